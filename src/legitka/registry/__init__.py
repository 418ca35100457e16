"""The student register: persistence (models, migrations) and the services around it."""
