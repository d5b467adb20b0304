// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Kdump.Initrd;

/// <summary>
/// The capture initramfs's /init, a busybox sh script: mount /proc, /sys and /dev, load the modules listed in
/// /lib/modules/KVER/dumpkit.load (xz or gzip modules unpacked first), wait for the dump target, mount it, run
/// "dumpkit kdump savecore", unmount, reboot. An NFS, S3 or SSH target instead: the network brought up (ip= of the command
/// line, else DHCP with busybox udhcpc on the first network card), then savecore, which mounts the export itself,
/// uploads the dump (KDUMP_S3, the credentials a copy in the image) or streams it through ssh (the client, key and known
/// hosts in the image).
/// When the target cannot be mounted it runs KDUMP_FAIL_CMD itself (savecore runs it on its own failures) and reboots.
/// A UUID=/LABEL= target is found by "dumpkit kdump findfs", which reads the superblocks itself (no udev in the image).
/// "dumpkit.shell" on the capture kernel's command line
/// opens a shell on the console instead of rebooting, to look around.
/// </summary>
public static class InitScript
{
    public const string LoadList = "dumpkit.load";
    public const string Settings = "etc/dumpkit/initrd.sh";
    public const int TargetWaitSeconds = 60;
    public const string DhcpScript = "etc/dumpkit/udhcpc.sh";

    /// <summary>busybox udhcpc's script: the lease's address, netmask, first router and name servers put in place.</summary>
    public const string DhcpScriptText = """
        #!/bin/sh
        # written by dumpkit kdump initrd: udhcpc calls it with deconfig, bound or renew (and the lease in the environment)
        case $1 in
          deconfig) ifconfig "$interface" 0.0.0.0 ;;
          bound|renew)
            ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
            for r in $router; do route add default gw "$r" dev "$interface"; break; done
            if [ -n "$dns" ]; then : > /etc/resolv.conf; for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done; fi ;;
        esac
        exit 0

        """;

    /// <summary>The settings file /init sources: shell assignments, every value single-quoted.</summary>
    public static string SettingsText(string kver, DumpTarget target, string? failCmd)
    {
        var sb = new StringBuilder("# written by dumpkit kdump initrd; sourced by /init\n");
        sb.Append("KVER=").Append(Quote(kver)).Append('\n');
        sb.Append("TARGET=").Append(Quote(target.Source)).Append('\n');
        sb.Append("FSTYPE=").Append(Quote(target.FsType)).Append('\n');
        sb.Append("MOUNTPOINT=").Append(Quote(DumpTarget.MountPoint)).Append('\n');
        sb.Append("COREDIR=").Append(Quote(target.CoreDir)).Append('\n');
        sb.Append("FAIL_CMD=").Append(Quote(failCmd ?? "")).Append('\n');
        sb.Append("WAIT=").Append(TargetWaitSeconds).Append('\n');
        return sb.ToString();
    }

    /// <summary>A word for sh: single quotes, each ' written as '\''.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    public static string Text(string kver) => $$"""
        #!/bin/busybox sh
        # /init of the capture initramfs written by "dumpkit kdump initrd" for Linux {{kver}}:
        # mount the dump target, save the crash dump with "dumpkit kdump savecore", reboot.
        /bin/busybox --install -s
        export PATH=/usr/sbin:/usr/bin:/sbin:/bin
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev 2>/dev/null
        mkdir -p /tmp /run
        . /{{Settings}}
        say() { echo "dumpkit-initrd: $*"; }
        finish() {
          sync
          if grep -qw dumpkit.shell /proc/cmdline; then say "dumpkit.shell: a shell instead of reboot"; exec setsid cttyhack sh; fi
          say "rebooting"; reboot -f
        }
        fail() {
          say "$*"
          if [ -n "$FAIL_CMD" ]; then say "running KDUMP_FAIL_CMD: $FAIL_CMD"; sh -c "$FAIL_CMD"; fi
          finish
        }
        # ip= of the capture kernel's command line, as initramfs-tools reads it: empty, dhcp (or on, any, both) for DHCP,
        # else CLIENT:SERVER:GATEWAY:NETMASK:HOSTNAME:DEVICE:AUTOCONF (a static address unless AUTOCONF asks for DHCP)
        ip_spec() { for a in $(cat /proc/cmdline); do case $a in ip=*) echo "${a#ip=}" ;; esac; done; }
        first_nic() { for n in /sys/class/net/*; do n=${n##*/}; [ "$n" != lo ] && [ -e "/sys/class/net/$n" ] && { echo "$n"; return; }; done; }
        net_up() {
          ip link set lo up
          spec=$(ip_spec); mode=dhcp; nic=; cip=; gw=; mask=
          case $spec in
            ""|dhcp|on|any|both) ;;
            *) oifs=$IFS; IFS=:; set -f; set -- $spec; set +f; IFS=$oifs
               cip=$1; gw=$3; mask=$4; nic=$6
               case ${7:-off} in dhcp|on|any|both) ;; *) [ -n "$cip" ] && mode=static ;; esac ;;
          esac
          i=0
          while :; do
            d=${nic:-$(first_nic)}
            [ -n "$d" ] && [ -e "/sys/class/net/$d" ] && break
            [ $i -ge $WAIT ] && return 1
            sleep 1; i=$((i+1))
          done
          ip link set "$d" up
          if [ $mode = dhcp ]; then
            udhcpc -i "$d" -f -q -n -t 10 -T 3 -s /{{DhcpScript}} || return 1
          else
            ifconfig "$d" "$cip" netmask "${mask:-255.255.255.0}" up || return 1
            [ -z "$gw" ] || route add default gw "$gw" dev "$d"
          fi
          say "network: $d up ($mode), $(ip -4 addr show dev "$d" | sed -n 's/.*inet \([^ ]*\).*/\1/p')"
        }
        say "Linux $(uname -r), /proc/vmcore $([ -e /proc/vmcore ] && echo present || echo absent)"
        while read -r m; do
          f=/lib/modules/$KVER/$m
          case $m in
            *.xz) unxz -c "$f" > /tmp/module.ko && insmod /tmp/module.ko ;;
            *.gz) zcat "$f" > /tmp/module.ko && insmod /tmp/module.ko ;;
            *) insmod "$f" ;;
          esac 2>&1 | grep -v 'File exists'
        done < /lib/modules/$KVER/{{LoadList}}
        rm -f /tmp/module.ko
        [ -e /proc/vmcore ] || fail "no /proc/vmcore: not a capture kernel"
        if [ "$FSTYPE" = nfs ] || [ "$FSTYPE" = s3 ] || [ "$FSTYPE" = ssh ]; then
          net_up || fail "network: no interface configured after $WAIT s (ip=$(ip_spec))"
          if [ "$FSTYPE" = s3 ]; then
            say "uploading the dump to S3 $TARGET"
          elif [ "$FSTYPE" = ssh ]; then
            say "sending the dump over ssh to $TARGET:$COREDIR"
          else
            mkdir -p "$MOUNTPOINT"
            say "saving the dump on NFS $TARGET (savecore mounts it on $MOUNTPOINT)"
          fi
          dumpkit kdump savecore
          rc=$?
        else
          dev=; i=0
          while [ -z "$dev" ] && [ $i -lt $WAIT ]; do
            case $TARGET in
              UUID=*|LABEL=*) dev=$(dumpkit kdump findfs "$TARGET" 2>/dev/null) ;;
              *) [ -b "$TARGET" ] && dev=$TARGET ;;
            esac
            [ -n "$dev" ] || { sleep 1; i=$((i+1)); }
          done
          [ -n "$dev" ] || fail "dump target $TARGET not found after $WAIT s"
          mkdir -p "$MOUNTPOINT"
          mount -t "$FSTYPE" "$dev" "$MOUNTPOINT" || fail "cannot mount $TARGET ($dev, $FSTYPE) on $MOUNTPOINT"
          say "mounted $TARGET ($dev, $FSTYPE) on $MOUNTPOINT; saving the dump in $COREDIR"
          mkdir -p "$COREDIR"
          dumpkit kdump savecore
          rc=$?
          sync
          umount "$MOUNTPOINT" || say "umount $MOUNTPOINT failed"
        fi
        case $rc in
          0) say "savecore: dump saved" ;;
          4) say "savecore: only the raw vmcore was saved" ;;
          *) say "savecore failed (exit $rc)" ;;
        esac
        finish

        """;
}
