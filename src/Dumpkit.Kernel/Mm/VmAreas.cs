// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Fs;

namespace Dumpkit.Kernel.Mm;

/// <summary>One memory area of a process: its <c>vm_area_struct</c>, range, flags and mapped file's path ("" for none).</summary>
public sealed record VmArea(ulong Vma, ulong Start, ulong End, ulong Flags, ulong File, string Path);

/// <summary>
/// The memory areas of a process's <c>mm_struct</c> in address order: the maple tree <c>mm_mt</c> (6.1 on),
/// or the <c>mmap</c>/<c>vm_next</c> list of older kernels, each bounded by <see cref="MaxAreas"/>.
/// </summary>
public sealed class VmAreas
{
    /// <summary>More than the kernel's default <c>vm.max_map_count</c> (65530) allows.</summary>
    public const int MaxAreas = 1 << 20;
    private readonly KernelMemory _memory;
    private readonly MapleTree? _maple;
    private readonly ulong? _mmMt, _mmap, _vmNext;
    private readonly ulong _pgd, _start, _end, _flags, _file, _fPathDentry, _fPathMnt;
    private readonly PathNames _paths;

    public VmAreas(KernelMemory memory, BtfTypes types, PathNames paths)
    {
        _memory = memory;
        _paths = paths;
        ulong Offset(string path) => types.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");
        _mmMt = types.MemberPath("mm_struct.mm_mt")?.ByteOffset;
        if (_mmMt is not null)
            _maple = new MapleTree(memory, types);
        else
        {
            _mmap = Offset("mm_struct.mmap");
            _vmNext = Offset("vm_area_struct.vm_next");
        }
        _pgd = Offset("mm_struct.pgd");
        _start = Offset("vm_area_struct.vm_start");
        _end = Offset("vm_area_struct.vm_end");
        _flags = Offset("vm_area_struct.vm_flags");
        _file = Offset("vm_area_struct.vm_file");
        _fPathDentry = Offset("file.f_path") + Offset("path.dentry");
        _fPathMnt = Offset("file.f_path") + Offset("path.mnt");
    }

    /// <summary>The page global directory of an mm (<c>mm-&gt;pgd</c>).</summary>
    public ulong Pgd(ulong mm) => Read(mm + _pgd, "mm_struct");

    /// <summary>The areas of an mm, in address order.</summary>
    public List<VmArea> Read(ulong mm)
    {
        var vmas = new List<ulong>();
        if (_maple is not null)
            vmas = _maple.Entries(mm + _mmMt!.Value, MaxAreas);
        else
        {
            var seen = new HashSet<ulong>();
            for (ulong v = Read(mm + _mmap!.Value, "mm_struct"); v != 0; v = Read(v + _vmNext!.Value, "vm_area_struct"))
            {
                if (!seen.Add(v) || vmas.Count >= MaxAreas)
                    throw new KernelDataException($"the vm_area_struct list of mm {mm:x} loops or exceeds {MaxAreas} entries");
                vmas.Add(v);
            }
        }
        var areas = new List<VmArea>(vmas.Count);
        foreach (var vma in vmas)
        {
            ulong file = Read(vma + _file, "vm_area_struct");
            string path = "";
            if (file != 0 && Read(file + _fPathDentry, "file") is ulong dentry and not 0)
                path = _paths.Path(dentry, Read(file + _fPathMnt, "file"));
            areas.Add(new VmArea(vma, Read(vma + _start, "vm_area_struct"), Read(vma + _end, "vm_area_struct"),
                Read(vma + _flags, "vm_area_struct"), file, path));
        }
        return areas;
    }

    private ulong Read(ulong address, string what) =>
        _memory.TryReadU64(address, out ulong v) ? v : throw new KernelAddressException(address, what);
}
