"""Pages of the coaching loop, by page group: plans, sessions, commitments, sharing, to-dos,
home (Today and the rep's page) and the check-in page that needs no login. Each view checks
(permissions.access_*), calls one action or query, and renders."""
