# Prompt of interactive shells: "root@guestplug:~# " in /root. Tools that
# drive the serial console wait for it (guestplug's runner matches
# "root@guestplug:[^\n]*# $"). \$ is '#' for root and '$' otherwise.
if [ "${PS1-}" ]; then
  PS1='\u@\h:\w\$ '
fi
