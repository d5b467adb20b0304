// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Buffers.Binary;
using System.Text;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Modules;

namespace Dumpkit.Crash;

/// <summary>
/// Types by name that vmlinux's BTF lacks, from the loaded modules' own (split) BTF, which the kernel keeps on its
/// <c>btf_modules</c> list (<see cref="ModuleBtf"/>). Nothing is read until a name misses in vmlinux's types; then each
/// module's blob is read once (a few KiB each) and its string section searched for the name, and only a module that has it
/// is merged with vmlinux's types. Modules are searched in <c>mod</c>'s order; the first that defines the name wins.
/// The raw blobs are kept up to <see cref="MaxCachedBytes"/>, the merged types of the last <see cref="MaxMerged"/> modules.
/// </summary>
internal sealed class ModuleTypes(CrashSession session)
{
    /// <summary>Merged (vmlinux + module) type sets kept: each holds a copy of vmlinux's BTF (a few MB).</summary>
    public const int MaxMerged = 4;

    /// <summary>Raw module blobs kept in all.</summary>
    public const long MaxCachedBytes = 32L << 20;

    private Dictionary<ulong, ulong>? _owners;
    private readonly Dictionary<ulong, byte[]?> _blobs = [];
    private long _cachedBytes;
    private readonly List<(ulong Module, BtfTypes Types)> _merged = [];

    /// <summary>
    /// The first module (in <c>mod</c>'s order) whose own types give an id for <paramref name="find"/>, with its types merged
    /// with vmlinux's; null when none does, or the modules or their BTF cannot be read.
    /// </summary>
    public (BtfTypes Types, int Id, string Module)? Find(string name, Func<BtfTypes, int?> find)
    {
        if (name.Length == 0 || name.Any(c => c > 0x7f))
            return null;
        var vmlinux = session.Types;
        IReadOnlyList<KernelModule> modules;
        try
        {
            modules = session.Modules.Modules;
            _owners ??= ModuleBtf.Owners(session.Memory, session.Symbols, vmlinux);
        }
        catch (CommandException) { return null; }
        catch (KernelDataException) { return null; }
        catch (KernelAddressException) { return null; }
        var key = Encoding.ASCII.GetBytes(name);
        foreach (var module in modules)
        {
            if (!_owners.TryGetValue(module.Struct, out ulong btf) || Blob(module, btf, vmlinux) is not byte[] blob || !Names(blob, key))
                continue;
            var types = Merged(module.Struct, vmlinux, blob);
            if (types is not null && find(types) is int id && id >= vmlinux.Count)
                return (types, id, module.Name);
        }
        return null;
    }

    private byte[]? Blob(KernelModule module, ulong btf, BtfTypes vmlinux)
    {
        if (_blobs.TryGetValue(module.Struct, out var kept))
            return kept;
        byte[]? blob;
        try { blob = ModuleBtf.ReadSplit(session.Memory, vmlinux, module.Name, btf); }
        catch (KernelDataException) { blob = null; }
        catch (KernelAddressException) { blob = null; }
        if (blob is null || _cachedBytes + blob.Length <= MaxCachedBytes)
        {
            _blobs[module.Struct] = blob;
            _cachedBytes += blob?.Length ?? 0;
        }
        return blob;
    }

    private BtfTypes? Merged(ulong module, BtfTypes vmlinux, byte[] blob)
    {
        int at = _merged.FindIndex(m => m.Module == module);
        if (at >= 0)
        {
            var hit = _merged[at];
            _merged.RemoveAt(at);
            _merged.Add(hit);
            return hit.Types;
        }
        BtfTypes types;
        try { types = vmlinux.WithSplit(blob); }
        catch (KernelDataException) { return null; }
        if (_merged.Count >= MaxMerged)
            _merged.RemoveAt(0);
        _merged.Add((module, types));
        return types;
    }

    /// <summary>True when the split blob's string section holds <paramref name="name"/> as a whole string.</summary>
    private static bool Names(byte[] blob, byte[] name)
    {
        if (blob.Length < 24)
            return false;
        uint hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4)), strOff = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(16));
        uint strLen = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(20));
        if ((ulong)hdrLen + strOff + strLen > (ulong)blob.Length)
            return false;
        var strings = blob.AsSpan((int)(hdrLen + strOff), (int)strLen);
        for (int from = 0; from < strings.Length;)
        {
            int i = strings[from..].IndexOf(name);
            if (i < 0)
                return false;
            int start = from + i, end = start + name.Length;
            if ((start == 0 || strings[start - 1] == 0) && end < strings.Length && strings[end] == 0)
                return true;
            from = start + 1;
        }
        return false;
    }
}
