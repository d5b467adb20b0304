// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump;

/// <summary>How dumpkit treats one configuration key.</summary>
public enum KeyHandling
{
    /// <summary>The key does what kdump-tools' (or dumpkit's own documentation) says.</summary>
    Honoured,
    /// <summary>The key is not supported: a configuration setting it is refused (load, test, status, savecore, install).</summary>
    Refused,
}

/// <summary>One key of /etc/default/dumpkit or kdump-tools' /etc/default/kdump-tools; <paramref name="Needs"/>: the target key
/// without which it does nothing (KDUMP_S3_REGION needs KDUMP_S3).</summary>
public sealed record KdumpKey(string Name, KeyHandling Handling, string Why, string? Needs = null);

/// <summary>
/// Every key kdump-tools 1.8.1 documents (its kdump-tools.conf and kdump-tools(5), plus
/// KDUMP_SYSCTL of later releases) and dumpkit's own: each honoured or refused, never silently
/// ignored. A key in neither list gets a warning naming it, and so does a target's key set without
/// its target (<see cref="Orphans"/>; test and status count it as a problem).
/// </summary>
public static class KdumpKeys
{
    private const string NoFtp = "FTP targets are not supported: use SSH= (or a local KDUMP_COREDIR)";

    public static IReadOnlyList<KdumpKey> All { get; } =
    [
        new("USE_KDUMP", KeyHandling.Honoured, "0: load does not load a capture kernel"),
        new("KDUMP_KERNEL", KeyHandling.Honoured, "the capture kernel"),
        new("KDUMP_INITRD", KeyHandling.Honoured, "the capture initramfs"),
        new("KDUMP_CMDLINE", KeyHandling.Honoured, "the capture kernel's command line"),
        new("KDUMP_CMDLINE_APPEND", KeyHandling.Honoured, "added to the capture kernel's command line"),
        new("KDUMP_KEXEC_ARGS", KeyHandling.Honoured, "more kexec options for load (checked by test)"),
        new("KDUMP_SYSCTL", KeyHandling.Honoured, "sysctls load sets (default kernel.panic_on_oops=1)"),
        new("KDUMP_COREDIR", KeyHandling.Honoured, "where savecore writes the dump"),
        new("KDUMP_FAIL_CMD", KeyHandling.Honoured, "run by /bin/sh when savecore saved nothing"),
        new("KDUMP_DUMP_DMESG", KeyHandling.Honoured, "0: no dmesg.STAMP"),
        new("KDUMP_NUM_DUMPS", KeyHandling.Honoured, "keep the newest N dump directories"),
        new("MAKEDUMP_ARGS", KeyHandling.Honoured, "makedumpfile options of the dump (checked by test)"),
        new("SSH", KeyHandling.Honoured, "user@host the dump is streamed to"),
        new("SSH_KEY", KeyHandling.Honoured, "the private key ssh uses", "SSH"),
        new("KDUMP_SSH_COMMAND", KeyHandling.Honoured, "the ssh client (dumpkit's key)", "SSH"),
        new("KDUMP_REMOTE_DUMPKIT", KeyHandling.Honoured, "dumpkit on the SSH host (dumpkit's key)", "SSH"),
        new("KDUMP_SSH_KNOWN_HOSTS", KeyHandling.Honoured, "the host keys kdump initrd's image gives ssh (dumpkit's key)", "SSH"),
        new("KDUMP_VMCORE", KeyHandling.Honoured, "the crash dump savecore saves (dumpkit's key)"),
        new("KDUMP_S3", KeyHandling.Honoured, "http://HOST[:PORT]/BUCKET[/PREFIX] the dump is uploaded to (dumpkit's key)"),
        new("KDUMP_S3_REGION", KeyHandling.Honoured, "the S3 region the requests are signed for (dumpkit's key)", "KDUMP_S3"),
        new("KDUMP_S3_CREDENTIALS", KeyHandling.Honoured, "the S3 access key file, root's and mode 0600 (dumpkit's key)", "KDUMP_S3"),
        new("KDUMP_S3_PART_SIZE", KeyHandling.Honoured, "MiB in one part of the S3 multipart upload (dumpkit's key)", "KDUMP_S3"),
        new("KDUMP_TARGET", KeyHandling.Honoured, "the file system the capture initramfs of dumpkit kdump initrd saves to (dumpkit's key)"),
        new("KDUMP_TARGET_FSTYPE", KeyHandling.Honoured, "the type of KDUMP_TARGET (dumpkit's key)", "KDUMP_TARGET"),
        new("KDUMP_MODULES", KeyHandling.Honoured, "more kernel modules for the capture initramfs (dumpkit's key)"),
        new("HOSTTAG", KeyHandling.Refused, "not supported: remote dump directories are named by the date only"),
        new("SSH_KDUMP_RETRY", KeyHandling.Refused, "not supported: savecore tries the SSH host once, then streams the raw vmcore"),
        new("KDUMP_COMPRESSION", KeyHandling.Refused, "not supported: compress the pages with MAKEDUMP_ARGS (-c, -l, -p, -z) instead"),
        new("NFS", KeyHandling.Honoured, "HOST:/EXPORT savecore mounts on KDUMP_COREDIR and saves the dump in"),
        new("NFS_TIMEO", KeyHandling.Honoured, "timeo= of the NFS mount (tenths of a second, default 600)", "NFS"),
        new("NFS_RETRANS", KeyHandling.Honoured, "retrans= of the NFS mount (default 3)", "NFS"),
        new("NFS_MOUNT_RETRY", KeyHandling.Honoured, "attempts to mount the NFS export, 3 s apart (default 4)", "NFS"),
        new("FTP", KeyHandling.Refused, NoFtp),
        new("FTP_USER", KeyHandling.Refused, NoFtp),
        new("FTP_PASSWORD", KeyHandling.Refused, NoFtp),
        new("FTP_PORT", KeyHandling.Refused, NoFtp),
    ];

    public static KdumpKey? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>
    /// One line per refused key the configuration sets (an empty value sets nothing, as in
    /// kdump-tools' shell), in the file's order: "KEY=VALUE: why".
    /// </summary>
    public static List<string> Refusals(KdumpConfig config) =>
        config.Values.Where(kv => kv.Value.Length > 0 && Find(kv.Key) is { Handling: KeyHandling.Refused })
            .Select(kv => $"{kv.Key}={kv.Value}: {Find(kv.Key)!.Why}").ToList();

    /// <summary>
    /// One line per key that is set while the target key it belongs to is not (KDUMP_S3_CREDENTIALS without KDUMP_S3): nothing
    /// would use it, and the dump would go elsewhere than the key suggests. In the file's order: "KEY=VALUE: set without TARGET …".
    /// </summary>
    public static List<string> Orphans(KdumpConfig config) =>
        config.Values.Where(kv => kv.Value.Length > 0 && Find(kv.Key) is { Needs: { } needs } && config.Get(needs) is null)
            .Select(kv => $"{kv.Key}={kv.Value}: set without {Find(kv.Key)!.Needs}, so nothing uses it " +
                          $"(set {Find(kv.Key)!.Needs} or remove {kv.Key})").ToList();

    /// <summary>One line per key that is neither dumpkit's nor kdump-tools' (a typing mistake, most likely).</summary>
    public static List<string> Unknown(KdumpConfig config) =>
        config.Values.Keys.Where(k => Find(k) is null)
            .Select(k => $"warning: {k}: not a configuration key of dumpkit or kdump-tools; ignored").ToList();
}
