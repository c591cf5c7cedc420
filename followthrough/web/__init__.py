"""Request plumbing below every app: the workspace door (decorators), what a view learns from
its request (requests), error pages (errors) and which page a role lands on (home)."""
