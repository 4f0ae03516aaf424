"""LabEfs: one EFS file system shared by two Lambda functions, against /tmp and EBS."""
