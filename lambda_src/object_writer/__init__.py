"""Puts the objects its custom resource names into a lab bucket when its stack is created or updated.

Handler string: `object_writer.handler.handler` (asset root `lambda_src/`): LabBatch's input set.
"""
