"""Before a deploy: will the lab fit? `quotas` (limits and needs), `usage` (what the account uses),
`account` (region, bootstrap, boundary), `permissions` (what a boundary must allow) and `boundary` (the
simulator's answer), `zones` (Fn::GetAZs and instance types), `service_roles` (Auto Scaling's role and EBS
key), `lab_lines` (the lines a lab's resources call for), `command` (`labkit preflight`)."""
