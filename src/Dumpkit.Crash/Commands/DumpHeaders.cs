// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.Elf;
using Microsoft.Win32.SafeHandles;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>help -D</c>: the headers of a kdump-compressed dump file laid out as crash 8.0.2 prints them (disk_dump_header,
/// kdump_sub_header with the VMCOREINFO text, the ELF notes, the eraseinfo text). Where crash prints a pointer into its
/// own heap we print the file offset the pointer's data came from (0 for buffers that have none); crash's page-cache
/// statistics are not printed (we have no page cache of crash's).
/// </summary>
internal static class DumpHeaders
{
    private const string Indent = "                      ";

    public static void Print(CrashSession session, TextWriter o)
    {
        var paths = session.DumpPaths;
        for (int i = 0; i < paths.Count; i++)
        {
            using var handle = File.OpenHandle(paths[i]);
            var head = new byte[8];
            if (RandomAccess.Read(handle, head, 0) < 8 || !DiskdumpHeader.HasSignature(head))
                throw new CommandException("help: -D: only kdump-compressed dump files are supported");
            PrintOne(paths[i], handle, paths.Count > 1, o);
            if (paths.Count > 1)
                o.WriteLine();
        }
    }

    private static byte[] Read(SafeFileHandle handle, long offset, long size)
    {
        if (offset < 0 || size < 0 || size > 64 << 20 || offset > RandomAccess.GetLength(handle) - size)
            throw new CommandException("help: -D: dump file header out of range");
        var b = new byte[size];
        int got = 0;
        while (got < b.Length)
        {
            int n = RandomAccess.Read(handle, b.AsSpan(got), offset + got);
            if (n <= 0)
                throw new CommandException("help: -D: read error on the dump file");
            got += n;
        }
        return b;
    }

    private static void PrintOne(string path, SafeFileHandle handle, bool split, TextWriter o)
    {
        var block0 = Read(handle, 0, DiskdumpHeader.Size);
        var h = DiskdumpHeader.Read(block0);
        int bs = h.BlockSize;
        var tasks = Read(handle, DiskdumpHeader.Size, 8L * Math.Max(h.NrCpus, 0));
        o.WriteLine("diskdump_data: ");
        o.WriteLine($"          filename: {path}");
        // crash's DUMPFILE_SPLIT (0x10) has no name in its list.
        uint flags = 0x1c6 | (split ? 0x10u : 0);
        o.WriteLine($"             flags: {flags:x} (KDUMP_CMPRS_LOCAL|ERROR_EXCLUDED|"
            + "LZO_SUPPORTED|SNAPPY_SUPPORTED|ZSTD_SUPPORTED) ");
        o.WriteLine($"               dfd: {handle.DangerousGetHandle()}");
        o.WriteLine("               ofp: 0");
        o.WriteLine("      machine_type: 62 (EM_X86_64)");
        o.WriteLine();
        o.WriteLine("            header: 0");
        o.WriteLine($"           signature: \"{h.Signature.TrimEnd('\0')}\"");
        o.WriteLine($"      header_version: {h.HeaderVersion}");
        o.WriteLine("             utsname:");
        string[] uts = ["sysname", "nodename", "release", "version", "machine", "domainname"];
        for (int i = 0; i < 6; i++)
            o.WriteLine($"{uts[i],22}: {h.Utsname[i]}");
        o.WriteLine("           timestamp:");
        o.WriteLine($"                tv_sec: {h.TimestampSeconds:x}");
        o.WriteLine($"               tv_usec: {h.TimestampMicroseconds:x}");
        o.WriteLine($"              status: {h.Status:x} ({StatusNames(h.Status)})");
        o.WriteLine($"          block_size: {h.BlockSize}");
        o.WriteLine($"        sub_hdr_size: {h.SubHeaderBlocks}");
        o.WriteLine($"       bitmap_blocks: {h.BitmapBlocks}");
        o.WriteLine($"           max_mapnr: {h.MaxMapNr}");
        o.WriteLine($"    total_ram_blocks: {h.TotalRamBlocks}");
        o.WriteLine($"       device_blocks: {h.DeviceBlocks}");
        o.WriteLine($"      written_blocks: {h.WrittenBlocks}");
        o.WriteLine($"         current_cpu: {h.CurrentCpu}");
        o.WriteLine($"             nr_cpus: {h.NrCpus}");
        for (int i = 0; i < Math.Max(h.NrCpus, 1); i++)
        {
            ulong t = i < h.NrCpus ? BinaryPrimitives.ReadUInt64LittleEndian(tasks.AsSpan(i * 8)) : 0;
            o.WriteLine($"{(i == 0 ? "      tasks[nr_cpus]: " : Indent)}{t:x}");
        }
        o.WriteLine();
        o.WriteLine("        sub_header: 0 (n/a)");
        o.WriteLine();
        var sub = DiskdumpSubHeader.Read(Read(handle, bs, DiskdumpSubHeader.Size));
        o.WriteLine($"  sub_header_kdump: {bs:x} ");
        o.WriteLine($"           phys_base: {sub.PhysBase:x}");
        int level = sub.DumpLevel;
        o.WriteLine($"          dump_level: {level} (0x{level:x}) {(level != 0 ? "(" : "")}{LevelNames(level)}{(level != 0 ? ")" : "")}");
        if (h.HeaderVersion >= 2)
        {
            o.WriteLine($"               split: {sub.Split}");
            o.WriteLine($"           start_pfn: {(split ? $"{sub.StartPfn} (0x{sub.StartPfn:x})" : "(unused)")}");
            o.WriteLine($"             end_pfn: {(split ? $"{sub.EndPfn} (0x{sub.EndPfn:x})" : "(unused)")}");
        }
        if (h.HeaderVersion >= 3)
        {
            o.WriteLine($"   offset_vmcoreinfo: {sub.OffsetVmcoreinfo} (0x{sub.OffsetVmcoreinfo:x})");
            o.WriteLine($"     size_vmcoreinfo: {sub.SizeVmcoreinfo} (0x{sub.SizeVmcoreinfo:x})");
            if (sub.OffsetVmcoreinfo != 0 && sub.SizeVmcoreinfo != 0)
                Indented(Read(handle, sub.OffsetVmcoreinfo, (long)sub.SizeVmcoreinfo), false, o);
        }
        if (h.HeaderVersion >= 4)
            Notes(handle, sub, o);
        bool eraseTail = false;
        if (h.HeaderVersion >= 5)
        {
            o.WriteLine($"    offset_eraseinfo: {sub.OffsetEraseinfo} (0x{sub.OffsetEraseinfo:x})");
            o.WriteLine($"      size_eraseinfo: {sub.SizeEraseinfo} (0x{sub.SizeEraseinfo:x})");
            if (sub.OffsetEraseinfo != 0 && sub.SizeEraseinfo != 0)
                eraseTail = Indented(Read(handle, sub.OffsetEraseinfo, (long)sub.SizeEraseinfo), true, o);
        }
        if (h.HeaderVersion >= 6)
        {
            // crash indents after the eraseinfo's last newline too, so its next field follows those blanks.
            o.WriteLine($"{(eraseTail ? Indent : "")}        start_pfn_64: {(split ? $"{sub.StartPfn64} (0x{sub.StartPfn64:x})" : "(unused)")}");
            o.WriteLine($"          end_pfn_64: {(split ? $"{sub.EndPfn64} (0x{sub.EndPfn64:x})" : "(unused)")}");
            o.WriteLine($"        max_mapnr_64: {sub.MaxMapNr64} (0x{sub.MaxMapNr64:x})");
        }
        else if (eraseTail)
            o.Write(Indent);
        o.WriteLine();
        long bitmapOffset = (long)bs * (1 + h.SubHeaderBlocks);
        long bitmapLength = (long)bs * h.BitmapBlocks;
        ulong maxMapnr = h.HeaderVersion >= 6 ? sub.MaxMapNr64 : h.MaxMapNr;
        o.WriteLine($"       data_offset: {bitmapOffset + bitmapLength:x}");
        o.WriteLine($"        block_size: {bs}");
        o.WriteLine($"       block_shift: {System.Numerics.BitOperations.Log2((uint)bs)}");
        o.WriteLine($"            bitmap: {bitmapOffset:x}");
        o.WriteLine($"        bitmap_len: {bitmapLength}");
        o.WriteLine($"         max_mapnr: {maxMapnr} (0x{maxMapnr:x})");
        o.WriteLine($"   dumpable_bitmap: {bitmapOffset + bitmapLength / 2:x}");
        o.WriteLine("              byte: 0");
        o.WriteLine("               bit: 0");
        o.WriteLine("   compressed_page: 0");
        o.WriteLine("         curbufptr: 0");
        o.WriteLine();
        // A part of a split set counts the frames of its own range (each part holds the whole bitmap); crash 8.0.2 counts
        // otherwise there.
        ulong first = split ? (h.HeaderVersion >= 6 ? sub.StartPfn64 : sub.StartPfn) : 0;
        ulong end = split ? (h.HeaderVersion >= 6 ? sub.EndPfn64 : sub.EndPfn) : ulong.MaxValue;
        o.WriteLine($" total_valid_pages: {SetBits(handle, bitmapOffset + bitmapLength / 2, bitmapLength / 2, first, end)}");
    }

    /// <summary>The set bits of frames [first, end) in the bitmap of <paramref name="length"/> bytes at <paramref name="offset"/>,
    /// read a chunk at a time (a bitmap of a many-terabyte machine is hundreds of megabytes).</summary>
    private static ulong SetBits(SafeFileHandle handle, long offset, long length, ulong first, ulong end)
    {
        if (offset < 0 || length < 0 || offset > RandomAccess.GetLength(handle) - length)
            throw new CommandException("help: -D: dump file header out of range");
        var chunk = new byte[Math.Min(length, 1 << 20)];
        ulong count = 0;
        for (long at = 0; at < length;)
        {
            int n = RandomAccess.Read(handle, chunk.AsSpan(0, (int)Math.Min(chunk.Length, length - at)), offset + at);
            if (n <= 0)
                throw new CommandException("help: -D: dump file header out of range");
            for (int i = 0; i < n; i++)
            {
                ulong pfn = (ulong)(at + i) * 8;
                if (pfn >= end)
                    return count;
                int bits = chunk[i];
                if (pfn < first)
                    bits &= first - pfn >= 8 ? 0 : 0xff << (int)(first - pfn);
                if (end - pfn < 8)
                    bits &= (1 << (int)(end - pfn)) - 1;
                count += (ulong)System.Numerics.BitOperations.PopCount((uint)bits);
            }
            at += n;
        }
        return count;
    }

    /// <summary>Text with every line after a newline indented as crash indents it; true when it ended in a newline.</summary>
    private static bool Indented(byte[] text, bool afterLast, TextWriter o)
    {
        var sb = new StringBuilder(Indent);
        for (int i = 0; i < text.Length; i++)
        {
            sb.Append((char)text[i]);
            if (text[i] == '\n' && (afterLast || i + 1 != text.Length))
                sb.Append(Indent);
        }
        bool endsInNewline = text.Length > 0 && text[^1] == '\n';
        if (!endsInNewline)
            sb.Append('\n');
        if (afterLast && endsInNewline)
            sb.Length -= Indent.Length;
        o.Write(sb.ToString());
        return afterLast && endsInNewline;
    }

    private static void Notes(SafeFileHandle handle, DiskdumpSubHeader sub, TextWriter o)
    {
        o.WriteLine($"         offset_note: {sub.OffsetNote} (0x{sub.OffsetNote:x})");
        o.WriteLine($"           size_note: {sub.SizeNote} (0x{sub.SizeNote:x})");
        o.WriteLine($"           notes_buf: {sub.OffsetNote:x}");
        var buf = sub.SizeNote > 0 ? Read(handle, sub.OffsetNote, (long)sub.SizeNote) : [];
        var prstatus = ElfNote.Parse(buf).Where(n => n.Type == ElfNote.NT_PRSTATUS && n.Name == "CORE").ToList();
        o.WriteLine("  num_vmcoredd_notes: 0");
        o.WriteLine($"  num_prstatus_notes: {prstatus.Count}");
        for (int i = 0; i < prstatus.Count; i++)
        {
            o.WriteLine($"            notes[{i}]: {sub.OffsetNote + prstatus[i].Offset:x} (NT_PRSTATUS)");
            if (prstatus[i].DescSize >= 336)
                Prstatus(buf.AsSpan(prstatus[i].DescOffset, 336).ToArray(), o);
        }
        o.WriteLine("       snapshot_task: 0 ");
        o.WriteLine("      num_qemu_notes: 0");
        for (int i = 0; i < prstatus.Count; i++)
            o.WriteLine($"{(i == 0 ? "        NOTE offsets: " : Indent)}{sub.OffsetNote + prstatus[i].Offset:x} (NT_PRSTATUS)");
    }

    /// <summary>An x86-64 elf_prstatus as crash's display_ELF_note prints it.</summary>
    private static void Prstatus(byte[] d, TextWriter o)
    {
        int I32(int at) => BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(at));
        ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(at));
        string Tv(int at) => $"{(long)U64(at)}.{(long)U64(at + 8):D6}";
        o.WriteLine($"{Indent}si.signo: {I32(0)}  si.code: {I32(4)}  si.errno: {I32(8)}");
        o.WriteLine($"{Indent}cursig: {BinaryPrimitives.ReadInt16LittleEndian(d.AsSpan(12))}  sigpend: {U64(16)}  sighold: {U64(24)}");
        o.WriteLine($"{Indent}pid: {I32(32)}  ppid: {I32(36)}  pgrp: {I32(40)}  sid:{I32(44)}");
        o.WriteLine($"{Indent}utime: {Tv(48)}  stime: {Tv(64)}");
        o.WriteLine($"{Indent}cutime: {Tv(80)}  cstime: {Tv(96)}");
        ulong Reg(int n) => U64(112 + n * 8);
        o.WriteLine($"{Indent}ORIG_RAX: {Reg(15):x}  fpvalid: {I32(328)}");
        (string, int)[][] rows =
        [
            [("R15", 0), ("R14", 1)], [("R13", 2), ("R12", 3)], [("RBP", 4), ("RBX", 5)], [("R11", 6), ("R10", 7)],
            [("R9", 8), ("R8", 9)], [("RAX", 10), ("RCX", 11)], [("RDX", 12), ("RSI", 13)], [("RDI", 14), ("RIP", 16)],
            [("RFLAGS", 18), ("RSP", 19)], [("FS_BASE", 21)], [("GS_BASE", 22)],
        ];
        foreach (var row in rows)
        {
            var line = $"{row[0].Item1 + ":",31} {Reg(row[0].Item2):x16}";
            if (row.Length > 1)
                line += $"  {row[1].Item1,3}: {Reg(row[1].Item2):x16}";
            o.WriteLine(line);
        }
        o.WriteLine($"{"CS:",31} {Reg(17):x4}  SS: {Reg(20):x4}  DS: {Reg(23):x4}");
        o.WriteLine($"{"ES:",31} {Reg(24):x4}  FS: {Reg(25):x4}  GS: {Reg(26):x4}");
    }

    private static string StatusNames(uint status)
    {
        var sb = new StringBuilder();
        (uint Bit, string Name)[] names =
        [
            (0x1, "DUMP_DH_COMPRESSED_ZLIB"), (0x2, "DUMP_DH_COMPRESSED_LZO"), (0x4, "DUMP_DH_COMPRESSED_SNAPPY"),
            (0x20, "DUMP_DH_COMPRESSED_ZSTD"), (0x8, "DUMP_DH_COMPRESSED_INCOMPLETE"), (0x10, "DUMP_DH_EXCLUDED_VMEMMAP"),
        ];
        foreach (var (bit, name) in names)
            if ((status & bit) != 0)
                sb.Append(name);
        return sb.ToString();
    }

    private static string LevelNames(int level)
    {
        string[] names = ["DUMP_EXCLUDE_ZERO", "DUMP_EXCLUDE_CACHE", "DUMP_EXCLUDE_CACHE_PRI", "DUMP_EXCLUDE_USER_DATA", "DUMP_EXCLUDE_FREE"];
        return string.Join('|', names.Where((_, i) => (level & (1 << i)) != 0));
    }
}
