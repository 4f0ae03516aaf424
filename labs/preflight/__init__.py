"""Before a deploy: will the lab fit? `quotas` (limits and needs), `usage` (what the account uses),
`command` (`labkit preflight`)."""
