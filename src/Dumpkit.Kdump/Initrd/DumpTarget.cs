// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kexec;

namespace Dumpkit.Kdump.Initrd;

/// <summary>The dump target could not be worked out; the message names the key to set.</summary>
public sealed class DumpTargetException(string message) : Exception(message);

/// <summary>
/// Where the capture initramfs writes the dump: the file system <see cref="Source"/> (UUID=…, LABEL=… or a device)
/// of type <see cref="FsType"/>, mounted on <see cref="MountPoint"/>, the dumps in <see cref="CoreDir"/>, and the
/// kernel modules that disk and file system need. From KDUMP_TARGET (and KDUMP_TARGET_FSTYPE) when set, otherwise
/// from the file system that holds KDUMP_COREDIR on this machine (/proc/self/mountinfo); the disk's modules
/// are the drivers /sys names along the device's path.
/// </summary>
public sealed record DumpTarget(string Source, string FsType, string CoreDir, List<string> Modules, List<string> Notes)
{
    public const string MountPoint = "/mnt/target";

    /// <summary>Disk drivers tried when the target's disk is not on this machine (an image built for another one).</summary>
    public static readonly string[] CommonDiskDrivers = ["virtio_pci", "virtio_blk", "virtio_scsi", "sd_mod", "ahci", "ata_piix", "nvme"];

    private static readonly HashSet<string> Virtual = new(StringComparer.Ordinal)
    {
        "tmpfs", "ramfs", "proc", "sysfs", "devtmpfs", "overlay", "squashfs", "nfs", "nfs4", "cifs", "fuse", "9p", "virtiofs",
    };

    /// <summary>Network drivers always put into an NFS target's image besides this machine's own: QEMU's and the common Intel ones.</summary>
    public static readonly string[] CommonNetworkDrivers = ["virtio_pci", "virtio_net", "e1000", "e1000e"];

    /// <summary>The NFS client modules an NFS target's image loads (their dependencies, sunrpc, lockd, …, come from modules.dep).</summary>
    public static readonly string[] NfsModules = ["nfsv4", "nfsv3"];

    public const string NfsFsType = "nfs";

    /// <summary>The pseudo file system type of a KDUMP_S3 target: nothing is mounted, savecore uploads over the network.</summary>
    public const string S3FsType = "s3";

    /// <summary>Where the image holds the S3 credentials file (mode 0600; KDUMP_S3_CREDENTIALS in the image's configuration).</summary>
    public const string S3CredentialsInImage = "/etc/dumpkit/s3-credentials";

    /// <summary>The pseudo file system type of an SSH target: nothing is mounted, savecore streams the dump through ssh.</summary>
    public const string SshFsType = "ssh";

    /// <summary>Whether the image's /init brings up the network before savecore (NFS, S3 and SSH targets).</summary>
    public bool NeedsNetwork => FsType is NfsFsType or S3FsType or SshFsType;

    /// <summary>SSH=: the ssh client, key and known hosts the image carries.</summary>
    public SshClientFiles? Ssh { get; init; }

    /// <summary>KDUMP_S3: the credentials file on this machine the image carries a copy of (SSH: the private key SSH_KEY).</summary>
    public string? CredentialsFile { get; init; }

    /// <summary>Its bytes as they were checked (root's, mode 0600): the image carries these, not a second read of the path.</summary>
    public byte[]? CredentialsBytes { get; init; }

    public static DumpTarget Resolve(KdumpConfig config, KexecHost host)
    {
        if (config.Get("KDUMP_S3") is not null)
            return ResolveS3(config, host);
        if (config.Nfs is not null)
            return ResolveNfs(config, host);
        if (config.Ssh is not null)
            return ResolveSsh(config, host);
        string coreDir = config.CoreDir;
        if (!coreDir.StartsWith('/'))
            throw new DumpTargetException($"KDUMP_COREDIR={coreDir} is not an absolute path");
        var notes = new List<string>();
        var mounts = Mounts(host);
        if (config.Get("KDUMP_TARGET") is { } target)
        {
            string? device = DeviceOf(target, host);
            var mounted = device is null ? null : mounts.LastOrDefault(m => m.MajorMinor == MajorMinor(device));
            string fsType = config.Get("KDUMP_TARGET_FSTYPE") ?? mounted?.FsType
                ?? throw new DumpTargetException($"KDUMP_TARGET={target}: no such file system mounted here: set KDUMP_TARGET_FSTYPE");
            var modules = new List<string>();
            if (device is null)
            {
                notes.Add($"KDUMP_TARGET={target} is not a disk of this machine: adding the common disk drivers");
                modules.AddRange(CommonDiskDrivers);
            }
            else modules.AddRange(DriverModules(device, host, notes));
            modules.Add("fs-" + fsType);
            return new DumpTarget(target, fsType, Join(MountPoint, coreDir), modules, notes);
        }
        var mount = mounts.Where(m => Under(coreDir, m.MountPoint)).OrderBy(m => m.MountPoint.Length).LastOrDefault()
            ?? throw new DumpTargetException($"KDUMP_COREDIR={coreDir}: no mounted file system holds it (/proc/self/mountinfo)");
        if (Virtual.Contains(mount.FsType) || !mount.Source.StartsWith("/dev/", StringComparison.Ordinal))
            throw new DumpTargetException($"KDUMP_COREDIR={coreDir} is on {mount.FsType} ({mount.Source}), not a local disk: set KDUMP_TARGET");
        string dev = SysBlockOf(mount, host)
            ?? throw new DumpTargetException($"KDUMP_COREDIR={coreDir}: {mount.Source} not found in /sys/dev/block: set KDUMP_TARGET");
        if (Directory.Exists(Path.Combine(dev, "dm")) || Directory.Exists(Path.Combine(dev, "md")))
            throw new DumpTargetException($"KDUMP_COREDIR={coreDir} is on {mount.Source}, a device-mapper or RAID device, " +
                "which the capture initramfs cannot assemble yet: set KDUMP_TARGET to a plain partition");
        string source = ByUuid(dev, host) is { } uuid ? "UUID=" + uuid : mount.Source;
        var mods = DriverModules(dev, host, notes);
        mods.Add("fs-" + mount.FsType);
        string inside = Join(mount.Root, coreDir.Length == mount.MountPoint.Length ? "/" : coreDir[mount.MountPoint.TrimEnd('/').Length..]);
        return new DumpTarget(source, mount.FsType, Join(MountPoint, inside), mods, notes);
    }

    /// <summary>NFS=HOST:/EXPORT: savecore in the image mounts the export on the mount point itself; the image needs the drivers
    /// of this machine's network cards (/sys/class/net/*/device), the common ones and the NFS client.</summary>
    private static DumpTarget ResolveNfs(KdumpConfig config, KexecHost host)
    {
        if (NfsTarget.FromConfig(config, out string? problem) is not { } nfs)
            throw new DumpTargetException(problem!);
        var modules = NetworkModules(host);
        foreach (var m in NfsModules)
            if (!modules.Contains(m)) modules.Add(m);
        return new DumpTarget(nfs.Spec, NfsFsType, MountPoint, modules, []);
    }

    /// <summary>KDUMP_S3=http://HOST[:PORT]/BUCKET[/PREFIX]: savecore in the image uploads the dump; the image needs the network card
    /// drivers (as for NFS) and a copy of the credentials file, which must be safe here (root's, mode 0600) as savecore demands.</summary>
    private static DumpTarget ResolveS3(KdumpConfig config, KexecHost host)
    {
        S3.S3Target target;
        byte[] credentials;
        try
        {
            target = S3.S3Target.FromConfig(config)!;
            S3.S3Credentials.Load(target.CredentialsPath, out credentials);
        }
        catch (S3.S3ConfigException e)
        {
            throw new DumpTargetException(e.Message);
        }
        return new DumpTarget(target.Url, S3FsType, MountPoint, NetworkModules(host), [])
        {
            CredentialsFile = target.CredentialsPath,
            CredentialsBytes = credentials,
        };
    }

    /// <summary>SSH=user@host: savecore in the image streams the dump through ssh to KDUMP_COREDIR on that host; the image needs
    /// the network card drivers (as for NFS), the ssh client, the key and the known hosts (<see cref="SshClientFiles"/>).</summary>
    private static DumpTarget ResolveSsh(KdumpConfig config, KexecHost host)
    {
        var files = SshClientFiles.Resolve(config, host);
        return new DumpTarget(config.Ssh!, SshFsType, config.CoreDir, NetworkModules(host), [])
        {
            Ssh = files,
            CredentialsFile = files.KeyPath,
            CredentialsBytes = files.Key,
        };
    }

    /// <summary>The drivers of this machine's network cards (/sys/class/net/*/device) and the common ones.</summary>
    private static List<string> NetworkModules(KexecHost host)
    {
        var modules = new List<string>();
        string net = host.SystemPath("/sys/class/net");
        if (Directory.Exists(net))
            foreach (var link in Directory.GetFileSystemEntries(net).Order(StringComparer.Ordinal))
            {
                // the card's own directory first: "device" is relative to it, not to /sys/class/net
                string nic = Resolve(link) ?? link;
                if (Path.Exists(Path.Combine(nic, "device")))
                    foreach (var m in DriverModules(Path.Combine(nic, "device"), host, []))
                        if (!modules.Contains(m)) modules.Add(m);
            }
        foreach (var m in CommonNetworkDrivers)
            if (!modules.Contains(m)) modules.Add(m);
        return modules;
    }

    private static bool Under(string path, string mountPoint) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Join(string a, string b)
    {
        string j = a.TrimEnd('/') + "/" + b.TrimStart('/');
        return j.Length > 1 ? j.TrimEnd('/') : j;
    }

    internal sealed record Mount(string MajorMinor, string Root, string MountPoint, string FsType, string Source);

    /// <summary>/proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTIONS".</summary>
    internal static List<Mount> Mounts(KexecHost host)
    {
        var list = new List<Mount>();
        string? text;
        try { text = File.ReadAllText(host.SystemPath("/proc/self/mountinfo")); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { text = null; }
        foreach (var line in (text ?? "").Split('\n'))
        {
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (f.Length < 10 || dash < 6 || dash + 2 >= f.Length) continue;
            list.Add(new Mount(f[2], Unescape(f[3]), Unescape(f[4]), f[dash + 1], Unescape(f[dash + 2])));
        }
        return list;
    }

    private static string Unescape(string s) => s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");

    /// <summary>The /sys directory of a mounted file system's block device.</summary>
    private static string? SysBlockOf(Mount m, KexecHost host)
    {
        string byNumber = host.SystemPath("/sys/dev/block/" + m.MajorMinor);
        if (!m.MajorMinor.StartsWith("0:", StringComparison.Ordinal) && Directory.Exists(byNumber)) return byNumber;
        // btrfs and others report an anonymous device number: look the device up by name
        string? real = Resolve(host.SystemPath(m.Source));
        string byName = host.SystemPath("/sys/class/block/" + Path.GetFileName(real ?? m.Source));
        return Directory.Exists(byName) ? byName : null;
    }

    /// <summary>The /sys directory of UUID=…, LABEL=… or /dev/… when that disk is on this machine.</summary>
    private static string? DeviceOf(string target, KexecHost host)
    {
        string? dev = target switch
        {
            _ when target.StartsWith("UUID=", StringComparison.Ordinal) => "/dev/disk/by-uuid/" + target[5..],
            _ when target.StartsWith("LABEL=", StringComparison.Ordinal) => "/dev/disk/by-label/" + target[6..].Replace(" ", "\\x20"),
            _ when target.StartsWith("/dev/", StringComparison.Ordinal) => target,
            _ => throw new DumpTargetException($"KDUMP_TARGET={target}: expected UUID=…, LABEL=… or /dev/…"),
        };
        string? real = Resolve(host.SystemPath(dev));
        // no udev links (a container, a minimal system): the superblocks say it
        if ((real is null || !Path.Exists(real)) && !target.StartsWith('/') && FindFs.Find(target, host) is { } found)
            real = Resolve(host.SystemPath(found));
        if (real is null || !Path.Exists(real)) return null;
        string sys = host.SystemPath("/sys/class/block/" + Path.GetFileName(real));
        return Directory.Exists(sys) ? sys : null;
    }

    private static string MajorMinor(string sysDir) =>
        File.Exists(Path.Combine(sysDir, "dev")) ? File.ReadAllText(Path.Combine(sysDir, "dev")).Trim() : "";

    private static string? ByUuid(string sysDir, KexecHost host)
    {
        string dir = host.SystemPath("/dev/disk/by-uuid");
        string? real = Resolve(sysDir);
        if (real is null) return null;
        string name = Path.GetFileName(real);
        if (!Directory.Exists(dir))
        {
            // no udev links: the file system's own superblock
            try { return FsSuperblock.Read(host.SystemPath("/dev/" + name))?.Uuid; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }
        foreach (var link in Directory.GetFileSystemEntries(dir).Order(StringComparer.Ordinal))
            if (Resolve(link) is { } dev && Path.GetFileName(dev) == name)
                return Path.GetFileName(link);
        return null;
    }

    /// <summary>A path with every symbolic link on the way resolved (the path itself when none), or null.</summary>
    private static string? Resolve(string path)
    {
        try
        {
            var info = new FileInfo(path);
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target?.FullName ?? Path.GetFullPath(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The modules of the drivers bound to a block device and to each device above it in /sys/devices
    /// (the disk driver, its bus, its controller), the disk first; a built-in driver by its own name.</summary>
    internal static List<string> DriverModules(string sysBlockDir, KexecHost host, List<string> notes)
    {
        var modules = new List<string>();
        string? dir = Resolve(sysBlockDir);
        string top = Path.GetFullPath(host.SystemPath("/sys/devices"));
        while (dir is not null && dir.StartsWith(top, StringComparison.Ordinal) && dir.Length > top.Length)
        {
            // resolve "driver" first: the "module" link is relative to the driver's real directory
            string? driver = Path.Exists(Path.Combine(dir, "driver")) ? Resolve(Path.Combine(dir, "driver")) : null;
            // a driver built into this kernel has no "module" link; its name is the module's in most kernels
            // that build it as one (virtio_blk, virtio-pci, nvme, ahci), so the image for another kernel gets it
            string? name = driver is null ? null
                : Resolve(Path.Combine(driver, "module")) is { } m && Directory.Exists(m) ? Path.GetFileName(m)
                : Path.GetFileName(driver).Replace('-', '_');
            if (name is not null && !modules.Contains(name))
                modules.Add(name);
            dir = Path.GetDirectoryName(dir);
        }
        if (modules.Count == 0)
            notes.Add($"{Path.GetFileName(sysBlockDir)}: no driver module found in /sys (built into the kernel?)");
        return modules;
    }
}
