"""What the labs left behind: `scan.scan_leftovers` runs the scans (`stacks`, `ec2`, `by_tag`, `by_name`)
over the scope in `model`; `render` shows the result and `command` is `labkit leftovers`."""
