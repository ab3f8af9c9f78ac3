"""The bad-input memory benchmark runs end to end and accounts for every bad page it lands."""
from bench import bad_input


def test_bad_input_bench_runs(capsys):
    assert bad_input.main(["--repeats", "1", "--db", "bantin_bench_bad_input_test"]) == 0
    printed = capsys.readouterr().out
    for kind in bad_input.bad_pages():
        assert f"| {kind} |" in printed, f"no outcome for {kind}"
    assert "reject too_large" in printed and "reject corrupt_body" in printed and "reject undecodable" in printed
