"""The photo page and ``GET/POST api/v1/photo``: states, uploads, the 35×45 crop, refusals.

Over HTTP against a served demo, on SQLite and PostgreSQL. A refused upload must change nothing:
each case counts the register's photos before and after.
"""

from __future__ import annotations

import html
import io
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from legitka.domain.eligibility import PhotoStatus
from legitka.registry.models import Photo, PortalAccount
from legitka.registry.services import photos
from tests.portal.conftest import Portal, form_csrf

TOP_LEFT = (200, 30, 30)


def picture(
    width: int = 800, height: int = 1000, fmt: str = "JPEG", *, orientation: int | None = None
) -> bytes:
    """A test photo: four coloured quarters, so a crop can be told from another."""
    image = Image.new("RGB", (width, height), (230, 230, 230))
    image.paste(TOP_LEFT, (0, 0, width // 2, height // 2))
    image.paste((30, 30, 200), (width // 2, height // 2, width, height))
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation  # Orientation
        exif[0x010F] = "Test camera"  # Make: metadata the register does not keep
        options["exif"] = exif
    image.save(out, fmt, **options)
    return out.getvalue()


def person_id(portal: Portal, login: str) -> int:
    with portal.runtime.sessions() as session:
        account = session.scalar(select(PortalAccount).where(PortalAccount.login == login))
        assert account is not None
        return account.person_id


def photos_of(portal: Portal, login: str) -> list[Photo]:
    with portal.runtime.sessions() as session:
        return list(
            session.scalars(
                select(Photo).where(Photo.person_id == person_id(portal, login)).order_by(Photo.id)
            )
        )


def photo_count(portal: Portal) -> int:
    with portal.runtime.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Photo)) or 0)


def stored_image(portal: Portal, photo_id: int) -> bytes:
    with portal.runtime.sessions() as session:
        return session.get_one(Photo, photo_id).image


def upload(
    browser: httpx.Client,
    data: bytes | None,
    *,
    name: str = "photo.jpg",
    content_type: str = "image/jpeg",
    csrf: str | None = "",
    crop: dict[str, str] | None = None,
    locale: str = "en",
    slug: str = "pd",
) -> httpx.Response:
    """Send the photo form as a browser does (``csrf=None``: without the token)."""
    page = f"/u/{slug}/student/photo"
    if csrf == "":
        csrf = form_csrf(browser.get(page).text)
    fields = {**({"csrf_token": csrf} if csrf is not None else {}), **(crop or {})}
    files = {"photo": (name, data, content_type)} if data is not None else None
    return browser.post(page, data=fields, files=files, headers={"Accept-Language": locale})


def test_each_photo_state_and_the_image_only_for_its_owner(portal: Portal) -> None:
    cases = {
        ("piotr.kowalski", "en"): "Your photo is waiting for the dean's office's approval.",
        ("piotr.kowalski", "pl"): "Twoje zdjęcie czeka na akceptację dziekanatu.",
        ("katarzyna.wisniewska", "en"): "Your photo was rejected: see why and upload a new one.",
        ("katarzyna.wisniewska", "pl"): "Twoje zdjęcie zostało odrzucone",
        ("anna.nowak", "en"): "Your photo is approved.",
        ("anna.nowak", "pl"): "Twoje zdjęcie zostało zaakceptowane.",
    }
    for (login, locale), summary in cases.items():
        browser = portal.sign_in("pd", login)
        page = browser.get(f"/u/pd/student/photo?lang={locale}")
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert summary in text, (login, locale)
        (latest,) = photos_of(portal, login)
        assert f'<img src="/u/pd/student/photo/{latest.id}"' in text
        if login == "katarzyna.wisniewska":
            assert "<q>the background must be plain and light</q>" in text
    assert "<h1>Zdjęcie</h1>" in text

    browser = portal.sign_in("uw", "weronika.michalska")
    page = html.unescape(browser.get("/u/uw/student/photo?lang=en").text)
    assert "There is no photo of you yet: upload one." in page
    assert "<img src=" not in page
    assert "JPEG or PNG, at most 5 MB, at least 354×496 pixels." in page

    anna = portal.sign_in("pd", "anna.nowak")
    (own,) = photos_of(portal, "anna.nowak")
    image = anna.get(f"/u/pd/student/photo/{own.id}")
    assert image.status_code == 200
    assert image.headers["content-type"] == own.content_type
    assert image.headers["cache-control"].startswith("private")
    assert image.content == stored_image(portal, own.id)
    (other,) = photos_of(portal, "katarzyna.wisniewska")
    stranger = anna.get(f"/u/pd/student/photo/{other.id}", headers={"Accept": "text/html"})
    assert stranger.status_code == 404
    assert stranger.content != stored_image(portal, other.id)
    assert anna.get("/u/pd/student/photo/999999").status_code == 404
    anonymous = httpx.get(f"{portal.base}/u/pd/student/photo/{own.id}", timeout=10)
    assert anonymous.status_code == 303  # to the sign-in page

    api = portal.api("pd", "katarzyna.wisniewska")
    refused = api.get(f"/photo/{own.id}")
    assert refused.status_code == 404 and refused.json()["code"] == "photo_not_found"
    assert api.get(f"/photo/{other.id}").content == stored_image(portal, other.id)


def test_an_uploaded_photo_is_cropped_and_waits_for_approval(portal: Portal) -> None:
    browser = portal.sign_in("uw", "weronika.michalska")
    form = browser.get("/u/uw/student/photo").text
    assert 'enctype="multipart/form-data"' in form
    assert 'accept="image/jpeg,image/png"' in form
    assert 'name="crop_x" value=""' in form
    assert '<script type="module" src="/static/portal/photo-crop.js"></script>' in form

    # Without crop fields (no JavaScript): the middle, at 35×45. The picture is stored on its
    # side, 1000×800 with EXIF orientation 6: upright it is 800×1000, and its 35×45 middle
    # 778×1000 (cut without turning it first, it would be 622×800).
    sent = upload(browser, picture(1000, 800, orientation=6), slug="uw")
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "/u/uw/student/photo?done=uploaded"
    page = html.unescape(browser.get(sent.headers["location"] + "&lang=en").text)
    assert "Your photo is sent. The dean's office checks it" in page
    assert "Your photo is waiting for the dean's office's approval." in page
    (photo,) = photos_of(portal, "weronika.michalska")
    assert photo.status is PhotoStatus.PENDING
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 778, 1000)
    stored = Image.open(io.BytesIO(stored_image(portal, photo.id)))
    assert stored.size == (778, 1000)
    assert not stored.getexif()  # the camera's metadata is not kept

    dashboard = html.unescape(browser.get("/u/uw/student/?lang=pl").text)
    assert "Twoje zdjęcie czeka na akceptację dziekanatu." in dashboard

    # The same photo again while it waits: nothing new.
    assert upload(browser, picture(1000, 800, orientation=6), slug="uw").status_code == 303
    assert len(photos_of(portal, "weronika.michalska")) == 1

    # With the cropper's fields: exactly that part (the top-left quarter's corner), as PNG.
    crop = {"crop_x": "0", "crop_y": "0", "crop_width": "420", "crop_height": "540"}
    sent = upload(browser, picture(1200, 1600, "PNG"), name="me.png", content_type="image/png",
                  crop=crop, slug="uw")  # fmt: skip
    assert sent.status_code == 303, sent.text
    newest = photos_of(portal, "weronika.michalska")[-1]
    assert (newest.content_type, newest.width, newest.height) == ("image/png", 420, 540)
    kept = Image.open(io.BytesIO(stored_image(portal, newest.id))).convert("RGB")
    assert kept.getpixel((0, 0)) == kept.getpixel((419, 539)) == TOP_LEFT
    # A part not quite 35:45 (as rounding in a browser makes it) keeps its 35:45 middle.
    crop = {"crop_x": "600.4", "crop_y": "800", "crop_width": "430.2", "crop_height": "540"}
    assert upload(browser, picture(1200, 1600), crop=crop, slug="uw").status_code == 303
    newest = photos_of(portal, "weronika.michalska")[-1]
    assert (newest.width, newest.height) == (420, 540)
    image = browser.get(f"/u/uw/student/photo/{newest.id}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (500, 600), (1, 2, 3)).save(out, "GIF")
    return out.getvalue()


def _padded_jpeg(size: int) -> bytes:
    data = picture()
    return data + b"\0" * (size - len(data))


REFUSALS: list[tuple[str, dict[str, Any], int, str, str]] = [
    # (case, upload arguments, status, English message, Polish message)
    ("not an image", {"data": b"GIF? no, a letter", "name": "letter.jpg"}, 422,
     "The file is not a JPEG or PNG image, or it is damaged", "nie jest obrazem JPEG ani PNG"),
    ("a GIF", {"data": _gif(), "name": "me.gif", "content_type": "image/gif"}, 422,
     "The file is a GIF image: send a JPEG or PNG photo.", "Plik jest obrazem GIF"),
    ("too small", {"data": picture(300, 400)}, 422,
     "The photo is 300×400 pixels; it must be at least 354×496", "ma 300×400 pikseli"),
    ("a part below 35 × 45 mm", {"data": picture(354, 496), "crop": {
        "crop_x": "0", "crop_y": "0", "crop_width": "350", "crop_height": "450"}}, 422,
     "the photo is 350×450 pixels; it must be at least 354×455", "ma 350×450 pikseli"),
    ("a file over 5 MB", {"data": _padded_jpeg(photos.MAX_BYTES + 1)}, 413,
     "The file is larger than 5 MB", "większy niż 5 MB"),
    ("a body far over 5 MB", {"data": _padded_jpeg(7 * 1024 * 1024)}, 413,
     "The file is larger than 5 MB", "większy niż 5 MB"),
    ("no file", {"data": None}, 422, "Choose a photo to upload.", "Wybierz zdjęcie"),
    ("an empty file input", {"data": b"", "name": ""}, 422, "Choose a photo to upload.",
     "Wybierz zdjęcie"),
    ("a crop outside", {"data": picture(800, 1000), "crop": {
        "crop_x": "500", "crop_y": "0", "crop_width": "400", "crop_height": "515"}}, 422,
     "The chosen part reaches outside the photo", "wychodzi poza zdjęcie"),
    ("a crop too small", {"data": picture(800, 1000), "crop": {
        "crop_x": "0", "crop_y": "0", "crop_width": "100", "crop_height": "129"}}, 422,
     "the photo is 100×129 pixels", "ma 100×129 pikseli"),
    ("a crop of words", {"data": picture(800, 1000), "crop": {
        "crop_x": "left", "crop_y": "0", "crop_width": "400", "crop_height": "515"}}, 422,
     "The chosen part of the photo is not valid", "Wybrany fragment zdjęcia jest nieprawidłowy"),
    ("half a crop", {"data": picture(800, 1000), "crop": {"crop_x": "10"}}, 422,
     "The chosen part of the photo is not valid", "Wybrany fragment zdjęcia jest nieprawidłowy"),
]  # fmt: skip


def test_each_bad_upload_gets_its_message_and_changes_nothing(portal: Portal) -> None:
    browser = portal.sign_in("pd", "piotr.kowalski")
    before = photo_count(portal)
    for index, (case, arguments, status, english, polish) in enumerate(REFUSALS):
        locale, message = ("en", english) if index % 2 == 0 else ("pl", polish)
        response = upload(browser, locale=locale, **arguments)
        assert response.status_code == status, (case, response.text[:300])
        page = html.unescape(response.text)
        assert message in page, (case, locale)
        assert '<div class="alert alert-error" role="alert" id="form-error">' in page, case
        assert 'aria-invalid="true"' in page, case
        assert photo_count(portal) == before, case
    # The same cases in the other language each.
    for index, (case, arguments, status, english, polish) in enumerate(REFUSALS):
        locale, message = ("pl", polish) if index % 2 == 0 else ("en", english)
        response = upload(browser, locale=locale, **arguments)
        assert response.status_code == status and message in html.unescape(response.text), case
    assert photo_count(portal) == before


@pytest.mark.parametrize("csrf", [None, "forged"])
def test_an_upload_without_the_form_s_csrf_token_is_refused(portal: Portal, csrf: str) -> None:
    browser = portal.sign_in("pd", "piotr.kowalski")
    before = photo_count(portal)
    response = upload(browser, picture(), csrf=csrf)
    assert response.status_code == 403
    assert "This form has expired or did not come from this site" in html.unescape(response.text)
    assert photo_count(portal) == before


def test_the_api_shows_and_takes_photos(portal: Portal) -> None:
    api = portal.api("uw", "weronika.michalska")
    empty = api.get("/photo", headers={"Accept-Language": "pl"})
    assert empty.status_code == 200 and empty.headers["cache-control"] == "no-store"
    body = empty.json()
    assert body["status"] is None and body["latest"] is None
    assert body["summary"] == "Nie ma jeszcze Twojego zdjęcia: dodaj je."
    assert body["rules"] == {"formats": ["image/jpeg", "image/png"], "max_bytes": 5242880,
                             "min_width": 354, "min_height": 496, "ratio": "35:45"}  # fmt: skip

    api.headers["Accept-Language"] = "en"
    sent = api.post(
        "/photo",
        files={"photo": ("me.jpg", picture(1200, 1600), "image/jpeg")},
        data={"crop_x": "100", "crop_y": "200", "crop_width": "700", "crop_height": "900"},
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["status"] == "pending" and body["latest"]["status"] == "pending"
    assert (body["latest"]["width"], body["latest"]["height"]) == (700, 900)
    assert body["latest"]["status_label"] == "Waiting for approval"
    image = api.get(body["latest"]["image_url"].removeprefix("/u/uw/api/v1"))
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(image.content)).size == (700, 900)
    assert httpx.get(f"{portal.base}{body['latest']['image_url']}").status_code == 401

    before = photo_count(portal)
    for files, data, status, code in [
        ({"photo": ("me.gif", _gif(), "image/gif")}, {}, 422, "photo_wrong_format"),
        ({"photo": ("me.jpg", picture(300, 400), "image/jpeg")}, {}, 422, "photo_too_small"),
        ({"photo": ("me.jpg", _padded_jpeg(photos.MAX_BYTES + 1), "image/jpeg")}, {}, 413,
         "photo_too_large"),
        ({"photo": ("me.jpg", picture(), "image/jpeg")}, {"crop_x": "900", "crop_y": "0",
         "crop_width": "400", "crop_height": "515"}, 422, "photo_crop_outside"),
        (None, {"crop_x": "1"}, 422, "photo_missing"),
    ]:  # fmt: skip
        response = api.post("/photo", files=files, data=data)
        assert response.status_code == status, (code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["code"] == code and problem["status"] == status
        assert problem["field"] in ("photo", "crop")
    assert photo_count(portal) == before


def test_the_openapi_document_describes_the_mobile_api(portal: Portal) -> None:
    document = httpx.get(f"{portal.base}/api/openapi.json", timeout=10).json()
    paths = document["paths"]
    for path, methods in {
        "/u/{slug}/api/v1/payments": ["get"],
        "/u/{slug}/api/v1/oath": ["get", "post"],
        "/u/{slug}/api/v1/photo": ["get", "post"],
        "/u/{slug}/api/v1/photo/{photo_id}": ["get"],
    }.items():
        for method in methods:
            assert paths[path][method]["tags"] == ["mobile API"], (path, method)
    upload_body = paths["/u/{slug}/api/v1/photo"]["post"]["requestBody"]["content"]
    schema = upload_body["multipart/form-data"]["schema"]
    assert schema["properties"]["photo"]["format"] == "binary"
    assert set(schema["properties"]) == {"photo", "crop_x", "crop_y", "crop_width", "crop_height"}
    oath_body = paths["/u/{slug}/api/v1/oath"]["post"]["requestBody"]["content"]
    assert oath_body["application/json"]["schema"]["$ref"].endswith("/OathAcceptance")
    schemas = document["components"]["schemas"]
    assert {"PaymentsOut", "ChargeOut", "OathOut", "PhotoOut", "Amount"} <= set(schemas)
    payments = paths["/u/{slug}/api/v1/payments"]["get"]["responses"]["200"]["content"]
    assert payments["application/json"]["schema"]["$ref"].endswith("/PaymentsOut")
