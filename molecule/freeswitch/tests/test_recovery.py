"""A call survives a crash of its box: systemd restarts FreeSWITCH and the role's start hook takes the call back
from the recovery row in the farm database (freeswitch_recover_calls); the caller gets a re-INVITE, answers it and
hangs up, and the recovered call accepts the BYE."""

from __future__ import annotations

import time

import testinfra

BOX = "docker://fsha-fsw1"
PROFILE = "farm_fsw1"
SCENARIO = "/etc/fsha-recovery-uac.xml"
RESULT = "/tmp/fsha-recovery"


def recovery_rows(caller):
    return int(caller.check_output(
        "su postgres -c \"psql -d freeswitch -tAc \\\"select count(*) from recovery where profile_name = '%s'\\\"\""
        % PROFILE))


def wait_for(what, condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.5)


def main_pid(box):
    return int(box.check_output("systemctl show -P MainPID freeswitch"))


def test_a_call_survives_a_crash_of_its_box(caller):
    box = testinfra.get_host(BOX)
    assert recovery_rows(caller) == 0, "recovery rows left from before"
    caller.run(f"rm -f {RESULT}.rc {RESULT}.log {RESULT}.msg")
    # one call to the echo extension from the address the farm profile trusts; SIPp waits for the re-INVITE
    caller.check_output(
        f"setsid sh -c 'sipp 172.28.66.21:5060 -sf {SCENARIO} -s 9196 -i 172.28.66.100 -p 5098 -m 1 -timeout 120 "
        f"-nostdin -trace_msg -message_file {RESULT}.msg -trace_logs -log_file {RESULT}.log; echo $? > {RESULT}.rc' "
        "</dev/null >/dev/null 2>&1 &")
    # the row appears once the call is answered (FreeSWITCH's SQL queue writes it)
    wait_for("the call's recovery row", lambda: recovery_rows(caller) == 1, 20)
    before = main_pid(box)
    box.check_output("systemctl kill --signal=KILL freeswitch")
    wait_for("SIPp's end", lambda: caller.file(f"{RESULT}.rc").exists, 100)
    log = caller.file(f"{RESULT}.log").content_string if caller.file(f"{RESULT}.log").exists else ""
    rc = caller.file(f"{RESULT}.rc").content_string.strip()
    assert rc == "0", f"SIPp exited {rc}: {log[-1500:]}"
    assert "reinvite received" in log and "bye answered" in log, log
    after = main_pid(box)
    assert after not in (0, before), "FreeSWITCH was not restarted"
    journal = box.check_output("journalctl -u freeswitch --since '-5min' --no-pager -o cat | grep 'recover-calls:' || true")
    assert "Recovered 1 session" in journal, journal
    # the recovered call ended with the BYE: its row is gone
    wait_for("the recovery row's removal", lambda: recovery_rows(caller) == 0, 20)
