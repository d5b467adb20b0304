// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;

namespace Dumpkit.Kdump.Initrd;

/// <summary>
/// The shared objects an x86_64 ELF program needs to start, read from its program headers: the interpreter
/// (PT_INTERP) and the DT_NEEDED names of its dynamic section, looked up in the system's library directories,
/// recursively. A static program (no PT_INTERP, no PT_DYNAMIC) needs nothing.
/// </summary>
public static class ElfDependencies
{
    private const uint PtLoad = 1, PtDynamic = 2, PtInterp = 3;
    private const long DtNeeded = 1, DtStrtab = 5;

    public static readonly string[] LibraryDirectories =
        ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"];

    /// <summary>The interpreter and the DT_NEEDED names of one ELF file.</summary>
    public static (string? Interpreter, List<string> Needed) Read(byte[] elf)
    {
        var s = elf.AsSpan();
        if (s.Length < 64 || !s[..4].SequenceEqual("\u007FELF"u8) || s[4] != 2 || s[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        long phoff = BinaryPrimitives.ReadInt64LittleEndian(s[32..]);
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(s[54..]), phnum = BinaryPrimitives.ReadUInt16LittleEndian(s[56..]);
        var loads = new List<(ulong Vaddr, ulong Offset, ulong Size)>();
        string? interp = null;
        (long Offset, long Size)? dynamic = null;
        for (int i = 0; i < phnum; i++)
        {
            var ph = Slice(s, phoff + (long)i * phentsize, 56);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            long offset = BinaryPrimitives.ReadInt64LittleEndian(ph[8..]);
            ulong vaddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[16..]);
            long filesz = BinaryPrimitives.ReadInt64LittleEndian(ph[32..]);
            if (type == PtLoad) loads.Add((vaddr, (ulong)offset, (ulong)filesz));
            else if (type == PtInterp) interp = CString(Slice(s, offset, filesz));
            else if (type == PtDynamic) dynamic = (offset, filesz);
        }
        var needed = new List<string>();
        if (dynamic is not (long dynOff, long dynSize)) return (interp, needed);
        var dyn = Slice(s, dynOff, dynSize);
        ulong strtab = 0;
        var offsets = new List<ulong>();
        for (int i = 0; i + 16 <= dyn.Length; i += 16)
        {
            long tag = BinaryPrimitives.ReadInt64LittleEndian(dyn[i..]);
            ulong val = BinaryPrimitives.ReadUInt64LittleEndian(dyn[(i + 8)..]);
            if (tag == 0) break;
            if (tag == DtNeeded) offsets.Add(val);
            else if (tag == DtStrtab) strtab = val;
        }
        if (offsets.Count == 0) return (interp, needed);
        var seg = loads.FirstOrDefault(l => strtab >= l.Vaddr && strtab < l.Vaddr + l.Size);
        if (seg.Size == 0) throw new InvalidDataException("DT_STRTAB is outside the loaded segments");
        long strOff = (long)(strtab - seg.Vaddr + seg.Offset);
        foreach (var o in offsets)
            needed.Add(CString(Slice(s, strOff + (long)o, Math.Min(4096, s.Length - strOff - (long)o))));
        return (interp, needed);
    }

    /// <summary>Every file (absolute path on this system) a program needs besides itself, the interpreter first;
    /// <paramref name="missing"/> gets the names not found. <paramref name="root"/> prefixes every library path looked at.</summary>
    public static List<string> Closure(string program, List<string> missing, string root = "/")
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([program]);
        while (queue.Count > 0)
        {
            string file = queue.Dequeue();
            var (interp, needed) = Read(File.ReadAllBytes(file == program ? program : Under(root, file)));
            if (interp is not null && seen.Add(interp))
            {
                seen.Add(Path.GetFileName(interp)); // libc names the loader too: the interpreter is that one
                if (File.Exists(Under(root, interp))) result.Insert(0, interp); else missing.Add(interp);
            }
            foreach (var name in needed)
            {
                if (!seen.Add(name)) continue;
                string? found = LibraryDirectories.Select(d => d + "/" + name).FirstOrDefault(p => File.Exists(Under(root, p)));
                if (found is null) { missing.Add(name); continue; }
                result.Add(found);
                queue.Enqueue(found);
            }
        }
        return result;
    }

    internal static string Under(string root, string absolute) => root == "/" ? absolute : Path.Combine(root, absolute.TrimStart('/'));

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> s, long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > s.Length || length > s.Length - offset)
            throw new InvalidDataException("ELF header points outside the file");
        return s.Slice((int)offset, (int)length);
    }

    private static string CString(ReadOnlySpan<byte> s)
    {
        int nul = s.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? s : s[..nul]);
    }
}
