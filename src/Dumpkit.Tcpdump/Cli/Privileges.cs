using System.Runtime.InteropServices;

namespace Dumpkit.Tcpdump.Cli;

/// <summary>-Z: drop root privileges after the capture source is open (as tcpdump's droproot).</summary>
internal static partial class Privileges
{
    [LibraryImport("libc", SetLastError = true)]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setuid(uint uid);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setgid(uint gid);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int initgroups(string user, uint gid);

    /// <summary>Looks a user up in /etc/passwd: (uid, gid) or null.</summary>
    internal static (uint Uid, uint Gid)? Lookup(string user, string passwd = "/etc/passwd")
    {
        if (!File.Exists(passwd)) return null;
        foreach (var line in File.ReadLines(passwd))
        {
            var f = line.Split(':');
            if (f.Length >= 4 && f[0] == user
                && uint.TryParse(f[2], System.Globalization.CultureInfo.InvariantCulture, out uint uid)
                && uint.TryParse(f[3], System.Globalization.CultureInfo.InvariantCulture, out uint gid))
                return (uid, gid);
        }
        return null;
    }

    /// <summary>Drops to the user when running as root; throws UsageException with tcpdump's messages on failure.</summary>
    public static void Drop(string user, TextWriter stderr)
    {
        if (!OperatingSystem.IsLinux() || geteuid() != 0) return;
        var pw = Lookup(user) ?? throw new UsageException($"Couldn't find user '{(user.Length > 32 ? user[..32] : user)}'");
        if (initgroups(user, pw.Gid) != 0 || setgid(pw.Gid) != 0 || setuid(pw.Uid) != 0)
            throw new UsageException($"Couldn't change to '{user}' uid={pw.Uid} gid={pw.Gid}: {Marshal.GetLastPInvokeErrorMessage()}");
        stderr.WriteLine($"dropped privs to {user}");
    }
}
