"""Custom resource that empties a lab bucket before CloudFormation deletes it."""
