"""Reference data, roles, the audit log, the Typst renderer and the site's base templates."""
