"""local_aws: the kit's local AWS, moto's server with the AWS parity fixes, for rehearsing offline.

It knows AWS, not the labs: it imports nothing from labs/ or lambda_src/, and the labs and tools reach it
through one module, `local_aws.client` (LocalAws, the emulator's own calls, "am I on the emulator", the AWS
facts they share). tests/test_layout.py holds both directions.

    client.py           LocalAws (start, stop, env, session), the admin calls, on_emulator, AWS facts
    admin_protocol.py   the emulator's own calls under /_labkit/ (routes, answers), both sides
    aws_facts.py        AWS names the emulator emulates and the labs rely on (Spot events, the FIS action)
    settings.py         what LocalAws hands its server (idle time, Spot warning, price file), as variables
    server.py           `python -m local_aws.server`: the process where the fixes are applied
    admin.py            the server's /_labkit/ middleware
    moto_bridge.py      the one door into moto: the pin, every moto name, every private attribute
    fixes.py            ParityFix and EmulatorGap, `@parity_fix(...)`, the order fixes are applied in
    services/           one package or module per AWS service, each with its FIXES and GAPS:
                        cloudformation/ ec2/ awslambda/ (runtime/: functions run as processes) dynamodb
                        iam/ s3 ssm sts stepfunctions scheduler/ fis

Adding a fix: in the service's module, a function that patches moto through moto_bridge (names by key,
private attributes by accessor), declared with

    @parity_fix("what", moto_does="...", aws_does="...", after=("awslambda.lambda_runs_deployed_code",))

(`after`: the fixes whose patches this one wraps; apply_all applies it after them), listed in the module's
FIXES. What no fix restores is an EmulatorGap in the service's GAPS.

Teaching CloudFormation a resource type moto has no model for is one call in a fix, from
services/cloudformation/resource_types.py:

    cloudformation_type(
        "AWS::FIS::ExperimentTemplate",
        create=lambda request: ...,                   # ResourceRequest(name, properties, account_id, region)
        physical_id=lambda state: ...,                # Ref
        attributes={"Id": lambda state: ...},         # Fn::GetAtt
        update=lambda state, request: ...,            # optional: without it a change replaces the resource
        delete=lambda state, account_id, region: ..., # optional: the stack's delete
        name_property="",                             # the property that names it, if any ("Name")
    )

`state` is whatever `create` returns (an id, moto's own object, a small record); services/fis.py,
services/scheduler/schedules.py and services/awslambda/versions.py (AWS::Lambda::Alias) are three examples.
"""
