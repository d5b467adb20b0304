// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Modules;

/// <summary>
/// A module's own types (CONFIG_DEBUG_INFO_BTF_MODULES): the kernel parses each module's <c>.BTF</c> section at load into a
/// <c>struct btf</c> on the <c>btf_modules</c> list (<c>struct btf_module</c>: module, btf), whose <c>data</c> keeps the split
/// BTF blob (<c>data_size</c> bytes; the module's copy of the section is freed after its init). Its ids start at
/// <c>start_id</c> and its strings at <c>start_str_off</c>, which must be vmlinux's type count and string length: a blob
/// relocated against another base is refused.
/// </summary>
public static class ModuleBtf
{
    /// <summary>Larger than any module's BTF (Debian's largest are a few hundred KiB).</summary>
    public const int MaxBlobBytes = 16 << 20;

    /// <summary>vmlinux's types merged with <paramref name="module"/>'s, or null when the kernel holds no BTF for that module.</summary>
    public static BtfTypes? Load(KernelMemory memory, KallsymsTable symbols, BtfTypes vmlinux, KernelModule module)
    {
        var owners = Owners(memory, symbols, vmlinux);
        return owners.TryGetValue(module.Struct, out ulong btf) ? vmlinux.WithSplit(ReadSplit(memory, vmlinux, module.Name, btf)) : null;
    }

    /// <summary>
    /// The <c>btf_modules</c> list: each module's <c>struct module</c> address to its <c>struct btf</c>'s; empty when the kernel
    /// keeps no module BTF.
    /// </summary>
    public static Dictionary<ulong, ulong> Owners(KernelMemory memory, KallsymsTable symbols, BtfTypes vmlinux)
    {
        var owners = new Dictionary<ulong, ulong>();
        if (symbols.AddressOf("btf_modules") is not ulong head)
            return owners;
        ulong list = Offset(vmlinux, "btf_module.list"), owner = Offset(vmlinux, "btf_module.module");
        ulong btf = Offset(vmlinux, "btf_module.btf");
        int count = 0;
        for (ulong node = memory.ReadU64(head, "btf_modules"); node != head; node = memory.ReadU64(node + list, "btf_module.list"))
        {
            if (++count > ModuleList.MaxModules)
                throw new KernelDataException($"the btf_modules list holds more than {ModuleList.MaxModules} entries (a cycle?)");
            ulong entry = node - list;
            owners.TryAdd(memory.ReadU64(entry + owner, "btf_module.module"), memory.ReadU64(entry + btf, "btf_module.btf"));
        }
        return owners;
    }

    /// <summary>The split BTF blob the kernel keeps in the <c>struct btf</c> at <paramref name="btf"/> (module <paramref name="name"/>'s).</summary>
    public static byte[] ReadSplit(KernelMemory memory, BtfTypes vmlinux, string name, ulong btf)
    {
        ulong data = Offset(vmlinux, "btf.data"), size = Offset(vmlinux, "btf.data_size"), startId = Offset(vmlinux, "btf.start_id");
        ulong startStr = Offset(vmlinux, "btf.start_str_off");
        uint length = U32(memory, btf + size), first = U32(memory, btf + startId), strings = U32(memory, btf + startStr);
        if (first != (uint)vmlinux.Count || strings != (uint)vmlinux.StringSectionLength)
            throw new KernelDataException($"{name}'s BTF starts at type {first} and string {strings}, not after vmlinux's "
                + $"{vmlinux.Count} types and {vmlinux.StringSectionLength} bytes of strings");
        if (length > MaxBlobBytes)
            throw new KernelDataException($"{name}'s BTF claims {length} bytes");
        var blob = new byte[length];
        memory.ReadVirtual(memory.ReadU64(btf + data, "btf.data"), blob, $"{name}'s BTF");
        return blob;
    }

    private static ulong Offset(BtfTypes vmlinux, string path) =>
        vmlinux.MemberPath(path)?.ByteOffset ?? throw new KernelDataException($"BTF lacks {path}");

    private static uint U32(KernelMemory memory, ulong at) =>
        memory.TryReadU32(at, out uint v) ? v : throw new KernelAddressException(at, "struct btf");
}
