"""The government's data sources, behind plug-ins (see ``base``); ``demo`` is the synthetic one."""
