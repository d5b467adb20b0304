// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.


namespace Dumpkit.Kdump.Tests.Support;

/// <summary>The kdump command run against the kexec tests' fake system.</summary>
public static class FakeSystemKdump
{
    public static int Kdump(this FakeSystem f, params string[] args) => KdumpCommand.Run(args, f.Host);

    /// <summary>With a fake for the programs kdump runs (update-grub, systemctl, ssh, dumpkit itself).</summary>
    public static int Kdump(this FakeSystem f, FakeRunner runner, params string[] args) => KdumpCommand.Run(args, f.Host, runner);

    /// <summary>A machine of <paramref name="ramMib"/> MiB and <paramref name="cpus"/> CPUs in the fake root.</summary>
    public static void Machine(this FakeSystem f, long ramMib, int cpus)
    {
        f.WriteRoot("proc/meminfo", $"MemTotal:       {ramMib * 1024} kB\nMemFree:        1000 kB\n");
        f.WriteRoot("sys/devices/system/cpu/online", cpus == 1 ? "0\n" : $"0-{cpus - 1}\n");
    }

    public static string Config(this FakeSystem f, string text)
    {
        var p = f.Dir["dumpkit.conf"];
        File.WriteAllText(p, text);
        return p;
    }
}
