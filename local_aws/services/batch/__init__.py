"""AWS Batch in the emulator: a CDK template's compute environment, job queue and job definition created as
CloudFormation creates them (templates.py), and a submitted job run as Batch runs it (jobs.py): placed under
its compute environment's maxvCpus, through its states, each attempt's command a local process with the job's
environment and role, its output in the job's log stream, with timeout and retries (lifecycle.py, attempts.py,
process.py, retries.py, containers.py), described as the API describes it (describe.py)."""

from __future__ import annotations

from local_aws.fixes import EmulatorGap, ParityFix
from local_aws.services.batch import jobs, templates

FIXES: tuple[ParityFix, ...] = (*templates.FIXES, *jobs.FIXES)
GAPS: tuple[EmulatorGap, ...] = (
    EmulatorGap(
        "Batch runs no container image",
        "a job's command runs as a process of this machine, a Python image's python3 as the kit's Python "
        "(isolated, no site-packages: the standard library, as a slim image has); no image is pulled (a pull "
        "fails only where the network would stop it), other images' commands are not run, and the process "
        "has "
        "this machine's files, CPU and memory (vCPU and memory count only against maxvCpus)",
    ),
    EmulatorGap(
        "Fargate's start-up time",
        "a task starts in well under a second; on AWS a Fargate task takes tens of seconds to a minute or "
        "more "
        "(placement, image pull), and Fargate bills from the image download, per second, a minute at least",
    ),
    EmulatorGap(
        "Batch credentials come as variables",
        "the job role's credentials are in the process's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and "
        "AWS_SESSION_TOKEN, and AWS_ENDPOINT_URL points at the emulator; on Fargate they come from the "
        "container credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI); IAM policies are not "
        "evaluated",
    ),
    EmulatorGap(
        "Batch scheduling is first come first served",
        "one queue's jobs start in the order they became RUNNABLE on its first compute environment; "
        "scheduling "
        "policies, priorities across queues, Fargate Spot capacity and multi-node jobs are not emulated",
    ),
)
