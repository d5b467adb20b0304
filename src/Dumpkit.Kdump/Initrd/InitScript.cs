// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Kdump.Initrd;

/// <summary>
/// The capture initramfs's /init, a busybox sh script: mount /proc, /sys and /dev, load the modules listed in
/// /lib/modules/KVER/dumpkit.load (xz or gzip modules unpacked first), wait for the dump target, mount it, run
/// "dumpkit kdump savecore", unmount, reboot. When the target cannot be mounted it runs KDUMP_FAIL_CMD itself
/// (savecore runs it on its own failures) and reboots. A UUID=/LABEL= target is found by "dumpkit kdump findfs", which
/// reads the superblocks itself (no udev in the image). "dumpkit.shell" on the capture kernel's command line
/// opens a shell on the console instead of rebooting, to look around.
/// </summary>
public static class InitScript
{
    public const string LoadList = "dumpkit.load";
    public const string Settings = "etc/dumpkit/initrd.sh";
    public const int TargetWaitSeconds = 60;

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
        case $rc in
          0) say "savecore: dump saved" ;;
          4) say "savecore: only the raw vmcore was saved" ;;
          *) say "savecore failed (exit $rc)" ;;
        esac
        finish

        """;
}
