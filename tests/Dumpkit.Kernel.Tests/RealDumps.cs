using Dumpkit.Formats;

namespace Dumpkit.Kernel.Tests;

/// <summary>
/// Locates the corpus of real vmcores: DUMPKIT_VMCORES (default /work/vmcores) holds the decompressed
/// dumps per kernel; text references (mdf-dmesg.txt, logs) are looked up there, then in
/// /work/shared/vmcores/KVER.
/// </summary>
internal static class RealDumps
{
    public const string Kernel61 = "6.1.0-56-amd64";
    public const string Kernel612 = "6.12.117+deb12-amd64";

    public static string? Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("DUMPKIT_VMCORES");
            if (!string.IsNullOrEmpty(env))
                return Directory.Exists(env) ? env : null;
            return Directory.Exists("/work/vmcores") ? "/work/vmcores" : null;
        }
    }

    /// <summary>Path of FILE for kernel KVER, or skips the test when the corpus is absent.</summary>
    public static string Require(string kernel, string file)
    {
        var root = Root;
        Skip.If(root is null, "real vmcores not available (set DUMPKIT_VMCORES)");
        foreach (var dir in new[] { Path.Combine(root!, kernel), Path.Combine("/work/shared/vmcores", kernel) })
        {
            var p = Path.Combine(dir, file);
            if (File.Exists(p))
                return p;
        }
        Skip.If(true, $"{kernel}/{file} not found under {root}");
        return "";
    }

    public static (DumpReader Dump, Vmcoreinfo Info) OpenVmcore(string kernel)
    {
        var dump = DumpReader.Open(Require(kernel, "vmcore.elf"));
        var text = dump.VmcoreinfoText ?? throw new InvalidOperationException("no VMCOREINFO");
        return (dump, Vmcoreinfo.Parse(text));
    }
}
