using Dumpkit.Formats;
using Dumpkit.Kernel;

namespace Dumpkit.Crash.Tests;

/// <summary>
/// The real dumps: the corpus vmcores under DUMPKIT_VMCORES (as tests/Dumpkit.Kernel.Tests finds
/// them; default /work/vmcores), the dumps whose log holds every task's stack under
/// DUMPKIT_CRASH_DUMPS (default: crash-dumps beside the vmcores folder), their text references in
/// /work/shared/{vmcores,crash-dumps}/KVER. Tests skip when a file is absent.
/// </summary>
internal static class RealDumps
{
    public const string Kernel61 = "6.1.0-56-amd64";
    public const string Kernel612 = "6.12.117+deb12-amd64";
    public const string CrashKernel61 = "6.1.0-57-amd64";
    public const string CrashKernel612 = "6.12.118+deb12-amd64";

    private static string? VmcoresRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("DUMPKIT_VMCORES");
            if (!string.IsNullOrEmpty(env))
                return Directory.Exists(env) ? env : null;
            return Directory.Exists("/work/vmcores") ? "/work/vmcores" : null;
        }
    }

    private static string? CrashDumpsRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("DUMPKIT_CRASH_DUMPS");
            if (!string.IsNullOrEmpty(env))
                return Directory.Exists(env) ? env : null;
            if (VmcoresRoot is string v && Path.GetDirectoryName(Path.GetFullPath(v).TrimEnd('/')) is string parent
                && Directory.Exists(Path.Combine(parent, "crash-dumps")))
                return Path.Combine(parent, "crash-dumps");
            return null;
        }
    }

    /// <summary>Path of FILE for a corpus kernel, or skips the test.</summary>
    public static string Require(string kernel, string file) =>
        Find(VmcoresRoot, "/work/shared/vmcores", kernel, file, "DUMPKIT_VMCORES");

    /// <summary>Path of FILE for a crash-dumps kernel (6.1.0-57, 6.12.118), or skips the test.</summary>
    public static string RequireCrashDump(string kernel, string file) =>
        Find(CrashDumpsRoot, "/work/shared/crash-dumps", kernel, file, "DUMPKIT_CRASH_DUMPS");

    private static string Find(string? root, string shared, string kernel, string file, string variable)
    {
        var dirs = new List<string>();
        if (root is not null) dirs.Add(Path.Combine(root, kernel));
        dirs.Add(Path.Combine(shared, kernel));
        foreach (var dir in dirs)
        {
            var p = Path.Combine(dir, file);
            if (File.Exists(p))
                return p;
        }
        Skip.If(true, $"{kernel}/{file} not found (set {variable})");
        return "";
    }

    public static KernelMemory OpenMemory(string path)
    {
        var dump = DumpReader.Open(path);
        var text = dump.VmcoreinfoText ?? throw new InvalidOperationException("no VMCOREINFO");
        return new KernelMemory(dump, Vmcoreinfo.Parse(text));
    }
}
