// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dumpkit.Kdump;

/// <summary>
/// NFS=HOST:/EXPORT as kdump-tools reads it, with NFS_TIMEO (default 600 tenths of a second), NFS_RETRANS (3) and
/// NFS_MOUNT_RETRY (4 attempts, 3 s apart), the defaults of kdump-tools' kdump-config. The export is mounted on
/// KDUMP_COREDIR with kdump-tools' options (nolock, tcp, soft, timeo, retrans) through mount(2) itself, with the
/// kernel's text options as mount.nfs would pass them (addr=): NFSv4.2, 4.1 and 4.0 first, then NFSv3, the next
/// version only when the server refuses one (EPROTONOSUPPORT), as mount.nfs negotiates.
/// </summary>
public sealed record NfsTarget(string Server, string Export, int Timeo, int Retrans, int MountRetry)
{
    public const int DefaultTimeo = 600, DefaultRetrans = 3, DefaultMountRetry = 4;
    public static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(3);
    private const int Eprotonosupport = 93;

    /// <summary>The file system types and versions tried, in order.</summary>
    public static readonly (string FsType, string Vers)[] Versions = [("nfs4", "4.2"), ("nfs4", "4.1"), ("nfs4", "4.0"), ("nfs", "3")];

    /// <summary>What NFS= says, as written.</summary>
    public string Spec => $"{(Server.Contains(':') ? $"[{Server}]" : Server)}:{Export}";

    /// <summary>The NFS target of the configuration, null when NFS is not set; a bad value gives a one-line problem.</summary>
    public static NfsTarget? FromConfig(KdumpConfig config, out string? problem)
    {
        problem = null;
        if (config.Nfs is not { } spec) return null;
        string server, export;
        if (spec.StartsWith('['))
        {
            int close = spec.IndexOf("]:", StringComparison.Ordinal);
            server = close > 1 ? spec[1..close] : "";
            export = close > 1 ? spec[(close + 2)..] : "";
        }
        else
        {
            int colon = spec.IndexOf(':');
            server = colon > 0 ? spec[..colon] : "";
            export = colon > 0 ? spec[(colon + 1)..] : "";
        }
        if (server.Length == 0 || !export.StartsWith('/') || server.IndexOfAny([',', ' ', '/']) >= 0 || export.Contains(','))
        {
            problem = $"NFS={spec}: expected HOSTNAME:MOUNTPOINT (e.g. remote:/var/crash)";
            return null;
        }
        string? bad = null;
        int Number(string key, int fallback, int min)
        {
            string? v = config.Get(key);
            if (v is null) return fallback;
            if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min) return n;
            bad ??= $"{key}={v}: not a number of at least {min}";
            return fallback;
        }
        var t = new NfsTarget(server, export, Number("NFS_TIMEO", DefaultTimeo, 1), Number("NFS_RETRANS", DefaultRetrans, 0),
            Number("NFS_MOUNT_RETRY", DefaultMountRetry, 1));
        problem = bad;
        return problem is null ? t : null;
    }

    /// <summary>The kernel's text mount options for one version: kdump-tools' nolock, tcp, soft, timeo and retrans.</summary>
    public string Options(string address, string vers, int? timeo = null, int? retrans = null) =>
        $"vers={vers},proto={(address.Contains(':') ? "tcp6" : "tcp")},nolock,soft,timeo={timeo ?? Timeo},retrans={retrans ?? Retrans}," +
        $"addr={address}";

    /// <summary>The server's address: the literal itself, else the first IPv4 address the resolver gives (then IPv6).</summary>
    public string? Address(out string? problem)
    {
        problem = null;
        if (IPAddress.TryParse(Server, out var literal)) return literal.ToString();
        try
        {
            var all = Dns.GetHostAddresses(Server);
            var pick = all.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? all.FirstOrDefault();
            if (pick is not null) return pick.ToString();
            problem = $"{Server}: no address";
        }
        catch (SocketException)
        {
            problem = $"{Server}: cannot resolve the host name";
        }
        catch (ArgumentException)
        {
            problem = $"{Server}: not a host name";
        }
        return null;
    }

    /// <summary>One mount of the export on <paramref name="mountPoint"/>: each version until one works or the error is not
    /// EPROTONOSUPPORT. 0 and the version used (4.2), or the last errno.</summary>
    public int MountOnce(ProgramRunner runner, string address, string mountPoint, out string used, int? timeo = null, int? retrans = null)
    {
        used = "";
        int errno = 0;
        foreach (var (fsType, vers) in Versions)
        {
            errno = runner.Mount(Spec, mountPoint, fsType, Options(address, vers, timeo, retrans));
            if (errno == 0)
            {
                used = vers;
                return 0;
            }
            if (errno != Eprotonosupport) return errno;
        }
        return errno;
    }

    /// <summary>
    /// kdump-tools' mount loop: up to NFS_MOUNT_RETRY attempts, 3 s apart, each one named on <paramref name="err"/> when it fails.
    /// True when the export is mounted on <paramref name="mountPoint"/>.
    /// </summary>
    public bool Mount(ProgramRunner runner, string mountPoint, TextWriter output, TextWriter err)
    {
        output.WriteLine($"kdump: Mounting NFS mountpoint {Spec} ...");
        for (int left = MountRetry; left > 0;)
        {
            string? address = Address(out string? why);
            string used = "";
            int errno = address is null ? -1 : MountOnce(runner, address, mountPoint, out used);
            if (errno == 0)
            {
                output.WriteLine($"kdump: mounted {Spec} on {mountPoint} (NFSv{used}: {Options(address!, used)})");
                return true;
            }
            left--;
            string what = address is null ? why! : $"mount {Spec} on {mountPoint}: {Cli.SystemErrors.StrError(errno)}";
            err.WriteLine($"kdump: {what}; will try {left} more times");
            if (left > 0) runner.Pause(RetryPause);
        }
        err.WriteLine($"kdump: Unable to mount remote NFS directory {Spec}. Cannot save core");
        return false;
    }
}
