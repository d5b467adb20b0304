// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Text;

namespace Dumpkit.Tcpdump.Tests;

/// <summary>-J / --list-time-stamp-types against Debian's tcpdump (libpcap 1.10.3): the listing for the machine's
/// interfaces, "any", a device that does not exist and the default device; output and status must be the same.</summary>
public class TimeStampTypeTests
{
    private const string Oracle = "/usr/bin/tcpdump";

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string> { "-J -i any", "-J -i no-such-dev-dk", "-J", "--list-time-stamp-types -i lo", "-J -r /nonexistent-dk" };
        if (Directory.Exists("/sys/class/net"))
            foreach (var dev in Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal))
                d.Add($"-J -i {dev}");
        return d;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void ListingAsDebians(string options)
    {
        Skip.IfNot(File.Exists(Oracle), "Debian's tcpdump is not installed; skipped");
        Skip.IfNot(OperatingSystem.IsLinux(), "Linux interfaces only");
        var args = options.Split(' ');
        var psi = new ProcessStartInfo(Oracle) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var expected = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var o = new MemoryStream();
        var e = new StringWriter();
        int rc = TcpdumpCommand.Run(args, o, e, () => new MemoryStream(), TimeZoneInfo.Utc);
        Assert.Equal(expected, Encoding.Latin1.GetString(o.ToArray()));
        Assert.Equal(err.Result, e.ToString());
        Assert.Equal(p.ExitCode, rc);
    }
}
