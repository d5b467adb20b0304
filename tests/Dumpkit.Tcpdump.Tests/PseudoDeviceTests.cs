// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// libpcap's Bluetooth and D-Bus devices, which ours cannot capture on: where Debian's tcpdump fails too (no Bluetooth
/// sockets in the kernel, a bus address nobody listens on, no session bus), both tcpdumps (ours as a process of its own)
/// must print the same message and exit with the same status. A case where Debian's tcpdump opens the device or fails
/// otherwise (a Bluetooth adapter that is not there) is left out (listed in the skip message when nothing was compared).
/// </summary>
public sealed class PseudoDeviceTests
{
    private const string Oracle = "/usr/bin/tcpdump";

    [SkippableFact]
    public void RefusesAsDebians()
    {
        Skip.If(!File.Exists(Oracle), $"{Oracle} is not installed (scripts/test-deps.sh installs it); skipped");
        var bin = Environment.GetEnvironmentVariable("DUMPKIT_BINARY");
        string ours;
        if (!string.IsNullOrEmpty(bin) && File.Exists(bin)) ours = $"{bin} tcpdump";
        else
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Netns.Which("dotnet");
            Skip.If(dotnet == null, "dotnet (to run this assembly as tcpdump) not found; skipped");
            ours = $"{dotnet} {typeof(PseudoDeviceTests).Assembly.Location} tcpdump";
        }
        var dir = Directory.CreateTempSubdirectory("dk-pseudo-").FullName;
        try
        {
            string refused = Path.Combine(dir, "not-a-socket"), missing = Path.Combine(dir, "missing");
            File.WriteAllText(refused, "");
            string noSession = $"env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY XDG_RUNTIME_DIR={missing}";
            var cases = new (string Env, string Args)[]
            {
                ("", "-i bluetooth-monitor"), ("", "-L -i bluetooth-monitor"), ("", "-d -i bluetooth-monitor"), ("", "-I -i bluetooth-monitor"),
                ("", "-i bluetooth0"), ("", "-i bluetooth12"), ("", "-w /dev/null -i bluetooth3"), ("", "-i x/bluetooth0"), ("", "-i /bluetooth-monitor"),
                ($"DBUS_SYSTEM_BUS_ADDRESS=unix:path={missing}", "-i dbus-system"),
                ($"DBUS_SYSTEM_BUS_ADDRESS=unix:path={refused}", "-i dbus-system"),
                ($"DBUS_SYSTEM_BUS_ADDRESS=unix:path={missing}", "-L -i dbus-system"),
                ($"DBUS_SYSTEM_BUS_ADDRESS=unix:path={missing}", "-d -i dbus-system"),
                ($"DBUS_SESSION_BUS_ADDRESS=unix:path={refused}", "-i dbus-session"),
                (noSession, "-i dbus-session"),
                (noSession, "-I -i dbus-session"),
                ("", $"-i dbus://unix:path={missing}"),
                ("", $"-i dbus://unix:path={refused}"),
            };
            var compared = new List<string>();
            var left = new List<string>();
            foreach (var (env, args) in cases)
            {
                string e = env.StartsWith("env ", StringComparison.Ordinal) ? env : env.Length > 0 ? $"env {env}" : "";
                var (theirRc, theirOut) = Netns.Sh($"{e} timeout -s INT 5 {Oracle} {args} 2>&1 </dev/null", 20000);
                // only the failures ours reproduces: no Bluetooth sockets, -I, a bus that cannot be reached
                if (theirRc != 1 || !(theirOut.StartsWith("tcpdump: Can't create raw socket: ", StringComparison.Ordinal)
                    || theirOut.Contains("No such device exists", StringComparison.Ordinal)
                    || theirOut.StartsWith("tcpdump: Failed to ", StringComparison.Ordinal) || theirOut.Contains("monitor mode", StringComparison.Ordinal)))
                {
                    left.Add(args);
                    continue;
                }
                var (ourRc, ourOut) = Netns.Sh($"{e} {ours} {args} 2>&1 </dev/null", 20000);
                Assert.True(theirOut == ourOut, $"{env} {args}:\ntheirs: {theirOut}\nours:   {ourOut}");
                Assert.True(theirRc == ourRc, $"{env} {args}: status {theirRc} (theirs) {ourRc} (ours)");
                compared.Add(args);
            }
            Skip.If(compared.Count == 0, $"Debian's tcpdump opened every device here ({string.Join(", ", left)}); nothing to compare");
        }
        finally { Directory.Delete(dir, true); }
    }
}
