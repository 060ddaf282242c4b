#!/bin/sh
# Copyright: contributors to telephony.freeswitch_ha
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# recover-calls PROFILE SECONDS: run by systemd after FreeSWITCH started
# (ExecStartPost of the freeswitch role's drop-in). Once the farm profile
# runs, it takes back the calls a crash of this box left in the shared
# database's recovery table: FreeSWITCH re-INVITEs each leg from the same
# address and RTP ports. Only this profile's rows: a bare "sofia recover"
# would take every box's rows (it selects by runtime, not by host) and then
# delete them. It never fails the start: a profile that does not come up in
# SECONDS is logged and left to the health check.
profile=$1
seconds=$2
end=$(( $(date +%s) + seconds ))
until fs_cli -x "sofia status" 2>/dev/null | grep -Eq "^[[:space:]]*${profile}[[:space:]]+profile[[:space:]].*RUNNING"; do
    if [ "$(date +%s)" -ge "$end" ]; then
        echo "recover-calls: profile ${profile} not running after ${seconds} s; no call recovered"
        exit 0
    fi
    sleep 1
done
echo "recover-calls: $(fs_cli -x "sofia profile ${profile} recover" 2>&1)"
exit 0
