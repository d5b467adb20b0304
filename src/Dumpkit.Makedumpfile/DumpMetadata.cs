// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Formats;
using Dumpkit.Kernel;

namespace Dumpkit.Makedumpfile;

/// <summary>
/// What the output header says about the crashed kernel: utsname, crash time, phys_base.
/// From an input whose header records them (kdump-compressed) these are copied; from an ELF vmcore they come from VMCOREINFO and from
/// <c>init_uts_ns</c> in the kernel image (a kernel-text address: no page tables needed), located
/// through the kernel layer's <see cref="KernelMemory"/>.
/// </summary>
internal sealed class DumpMetadata
{
    private const ulong StartKernelMap = 0xffffffff80000000;

    public string[] Utsname { get; init; } = ["Linux", "", "", "", "x86_64", ""];
    public long CrashTime { get; init; }
    public ulong PhysBase { get; init; }

    public static DumpMetadata From(DumpReader input, Vmcoreinfo? info, TextWriter warnings)
    {
        // phys_base as the kernel layer finds it: NUMBER(phys_base) first (a kdump header's copy is
        // not trusted: QEMU writes garbage there), then the kernel-text PT_LOAD or the sub header.
        var mem = new KernelMemory(input, info ?? Vmcoreinfo.Parse(""));
        if (input.Utsname is { } recorded)
        {
            return new DumpMetadata
            {
                Utsname = recorded.ToArray(),
                CrashTime = input.CrashTime ?? 0,
                PhysBase = mem.PhysBase,
            };
        }
        var uts = new[] { "Linux", "", info?.OsRelease ?? "", "", "x86_64", "" };
        if (info?.Symbol("init_uts_ns") is ulong sym)
        {
            ulong addr = sym + (ulong)(info.Offset("uts_namespace.name") ?? 0);
            if (addr >= StartKernelMap)
            {
                try
                {
                    var raw = new byte[6 * 65];
                    input.ReadPhysical(mem.KernelTextToPhysical(addr), raw);
                    for (int i = 0; i < 6; i++)
                    {
                        var f = raw.AsSpan(i * 65, 65);
                        int nul = f.IndexOf((byte)0);
                        uts[i] = Encoding.ASCII.GetString(nul < 0 ? f : f[..nul]);
                    }
                    if (info.OsRelease is { } rel && uts[2] != rel)
                        warnings.WriteLine($"warning: utsname release '{uts[2]}' differs from VMCOREINFO OSRELEASE '{rel}'");
                }
                catch (Exception e) when (e is PageNotAvailableException or DumpFormatException)
                {
                    warnings.WriteLine($"warning: cannot read init_uts_ns ({e.Message}); utsname taken from VMCOREINFO");
                }
            }
        }
        long crash = info?.CrashTime ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new DumpMetadata { Utsname = uts, CrashTime = crash, PhysBase = mem.PhysBase };
    }
}
