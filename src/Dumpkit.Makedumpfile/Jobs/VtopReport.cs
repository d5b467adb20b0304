// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Kernel;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// <c>--vtop VIRTADDR</c>: before the dump is made, makedumpfile's translation report (each
/// page-table entry read, then VIRTUAL/PHYSICAL) on its message stream. It does not change the dump.
/// </summary>
internal static class VtopReport
{
    public static void Print(string vmcore, string? vmcoreinfoFile, ulong address, Messages msg)
    {
        using var input = DumpReader.Open(vmcore);
        var info = JobRunner.LoadVmcoreinfo(vmcoreinfoFile, input);
        if (info is null)
        {
            msg.Fail($"--vtop: {vmcore} has no VMCOREINFO: the address cannot be translated.");
            return;
        }
        string report = new KernelMemory(input, info).FormatVtop(address);
        if ((msg.Level & Messages.Common) != 0)
            msg.Out.Write(report);
    }
}
