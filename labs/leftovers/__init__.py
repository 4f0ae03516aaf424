"""What the labs left behind: `scan.scan_leftovers` runs the scans (`stacks`, `ec2`, `by_tag`, `by_name`,
`blind_spots`) over the scope in `model`, each type as its catalogue entry (labs/catalogue/) says to find it;
`render` shows the result and `command` is `labkit leftovers`."""
