"""Lab kit: four AWS compute labs as CDK stacks, with checks, cost and clean-up tooling."""
