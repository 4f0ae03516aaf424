"""A handler that cannot start fails as the Python runtime fails it (awslambdaric's bootstrap `_get_handler`):
each kind of init error with its type, message and the file and line the learner must fix; and new code
(UpdateFunctionCode) is never served by an environment of the old code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_aws.services.awslambda.runtime.invoke import FunctionSpec, Invocation, RuntimeFiles
from local_aws.services.awslambda.runtime.pool import EnvironmentPool
from tests.local_aws.services.stacks import function_zip

pytestmark = pytest.mark.emulator


@pytest.fixture
def pool(tmp_path: Path) -> Iterator[EnvironmentPool]:
    files = RuntimeFiles(tmp_path / "runtime-files")
    environments = EnvironmentPool(files=files, endpoint="http://localhost:9", idle_s=60, reap_every_s=3600)
    yield environments
    environments.shutdown()
    files.close()


def spec(source: str, *, handler: str = "app.handler") -> FunctionSpec:
    return FunctionSpec(
        name="learner",
        arn="arn:aws:lambda:us-east-1:123456789012:function:learner",
        handler=handler,
        runtime="python3.13",
        timeout_s=10,
        memory_mb=256,
        environment={},
        code_zip=function_zip({"app.py": source}),
        log_group="/aws/lambda/learner",
        region="us-east-1",
        credentials={"AccessKeyId": "a", "SecretAccessKey": "b", "SessionToken": "c"},
    )


def error_of(invocation: Invocation) -> dict[str, object]:
    assert invocation.function_error == "Unhandled"
    answer: dict[str, object] = json.loads(invocation.payload)
    return answer


def logged(invocation: Invocation) -> str:
    return "\n".join(invocation.log_lines)


def test_a_syntax_error_names_its_file_and_line(pool: EnvironmentPool) -> None:
    failed = pool.invoke(spec("def handler(event, context):\n    return {\n"), {}, request_id="r-1")

    error = error_of(failed)
    assert error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert str(error["errorMessage"]).startswith("Syntax error in module 'app': ")
    assert "[ERROR] Runtime.UserCodeSyntaxError: Syntax error in module 'app'" in logged(failed)
    assert '/app.py" Line 2' in logged(failed)


def test_a_module_that_raises_at_import_fails_with_its_own_error_and_traceback(pool: EnvironmentPool) -> None:
    source = (
        "import json\n\nSETTINGS = json.loads(NOT_DEFINED)\n\n\ndef handler(event, context):\n    return {}\n"
    )
    failed = pool.invoke(spec(source), {}, request_id="r-1")

    error = error_of(failed)
    assert error["errorType"] == "NameError"
    assert "NOT_DEFINED" in str(error["errorMessage"])
    assert '/app.py", line 3, in <module>' in logged(failed)
    assert "bootstrap.py" not in logged(failed)


def test_a_missing_module_and_a_missing_handler_say_so_as_lambda_does(pool: EnvironmentPool) -> None:
    missing_module = pool.invoke(spec("import no_such_package\n"), {}, request_id="r-1")
    missing_handler = pool.invoke(spec("def main(event, context):\n    return {}\n"), {}, request_id="r-2")

    assert error_of(missing_module)["errorType"] == "Runtime.ImportModuleError"
    assert error_of(missing_module)["errorMessage"] == (
        "Unable to import module 'app': No module named 'no_such_package'"
    )
    assert error_of(missing_handler)["errorType"] == "Runtime.HandlerNotFound"
    assert error_of(missing_handler)["errorMessage"] == "Handler 'handler' missing on module 'app'"


def test_an_exception_in_the_handler_logs_its_traceback_from_the_handler_s_frame(
    pool: EnvironmentPool,
) -> None:
    source = "def handler(event, context):\n    return divide(1)\n\n\ndef divide(n):\n    return n / 0\n"
    failed = pool.invoke(spec(source), {}, request_id="r-1")

    assert error_of(failed)["errorType"] == "ZeroDivisionError"
    assert "[ERROR] ZeroDivisionError: division by zero" in logged(failed)
    assert '/app.py", line 6, in divide' in logged(failed)
    assert "bootstrap.py" not in logged(failed)


def test_new_code_starts_a_new_environment_and_the_old_one_serves_no_more(pool: EnvironmentPool) -> None:
    first = pool.invoke(spec("def handler(event, context):\n    return 'v1'\n"), {}, request_id="r-1")
    updated = pool.invoke(spec("def handler(event, context):\n    return 'v2'\n"), {}, request_id="r-2")
    again = pool.invoke(spec("def handler(event, context):\n    return 'v2'\n"), {}, request_id="r-3")

    assert json.loads(first.payload) == "v1"
    assert json.loads(updated.payload) == "v2"
    assert updated.init_ms is not None  # a cold start: the code changed
    assert updated.log_stream != first.log_stream
    assert again.init_ms is None
    assert len(pool.environments()) == 1  # the old code's environment was shut down
