"""Puts the objects its custom resource names into a lab bucket when its stack is created or updated.

Handler string: `object_writer.handler.handler` (asset root `lambda_src/`): a lab's input set.
"""
