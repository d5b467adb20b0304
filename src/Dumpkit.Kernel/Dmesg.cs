// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;
using Dumpkit.Kernel.Printk;

namespace Dumpkit.Kernel;

/// <summary>makedumpfile's <c>--dump-dmesg</c>: the crashed kernel's log, byte for byte as upstream writes it.</summary>
public static class Dmesg
{
    /// <summary>
    /// The log as makedumpfile 1.7.9 writes it. <paramref name="partial"/> = <c>--partial-dmesg</c>
    /// (only what came after the last <c>dmesg -c</c>). Throws <see cref="KernelDataException"/> when
    /// VMCOREINFO or memory does not allow reading the log at all.
    /// </summary>
    public static byte[] Extract(DumpReader dump, Vmcoreinfo info, bool partial) => Extract(dump, info, partial, null);

    /// <summary>As <see cref="Extract(DumpReader, Vmcoreinfo, bool)"/>; problems that cut the log short go to <paramref name="warnings"/>.</summary>
    public static byte[] Extract(DumpReader dump, Vmcoreinfo info, bool partial, TextWriter? warnings)
    {
        var mem = new KernelMemory(dump, info);
        try
        {
            return Extract(mem, info, partial, warnings);
        }
        catch (KernelDataException e) when (e.Address is ulong at && mem.WhyUnreadable(at, e.Length) is { } why)
        {
            // Say why the read failed: a cut-short file, a filtered page, a page the dump never had.
            throw new KernelDataException($"{e.Message} ({why})");
        }
    }

    private static byte[] Extract(KernelMemory mem, Vmcoreinfo info, bool partial, TextWriter? warnings)
    {
        var output = new MemoryStream();
        if (info.Symbol("prb") is not null)
        {
            var rb = PrintkRingbuffer.Load(mem, info);
            ulong tail = rb.TailId;
            if (partial && info.Symbol("clear_seq") is ulong clearSym)
            {
                if (!mem.TryReadU64(clearSym, out ulong clearSeq))
                    throw new KernelDataException("Can't get clear_seq.");
                if (info.Size("latched_seq") is not null)
                {
                    ulong at = clearSym + (ulong)(info.Offset("latched_seq.val") ?? 0) + (clearSeq & 1) * 8;
                    if (!mem.TryReadU64(at, out clearSeq))
                        throw new KernelDataException("Can't get latched clear_seq.");
                }
                tail = rb.HeadId - rb.HeadId % rb.Count + clearSeq % rb.Count;
            }
            rb.Dump(output, tail, warnings);
            return output.ToArray();
        }
        var version = KernelVersion.Parse(info.OsRelease)
            ?? throw new KernelDataException($"the kernel version is unknown (OSRELEASE={info.OsRelease ?? "missing"})");
        LogBuf.Dump(mem, info, version, partial, output, warnings);
        return output.ToArray();
    }
}
