// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>vm -R REFERENCE</c>'s search state, as crash keeps it per task: the reference as a hexadecimal number (and, when
/// it is all digits, a decimal one for swap offsets) or a file-name component, and what was printed so far.
/// </summary>
internal sealed class VmReference
{
    public VmReference(string text)
    {
        Text = text;
        var parsed = CrashReference.Parse(text);
        IsNumber = parsed.Hex is not null;
        Hex = parsed.Hex ?? 0;
        if (IsNumber && parsed.Dec is ulong dec)
            Dec = dec;
    }

    public string Text { get; }
    public bool IsNumber { get; }
    public ulong Hex { get; }
    /// <summary>The decimal value; 0 when the reference is not all digits (crash leaves it zeroed).</summary>
    public ulong Dec { get; }

    /// <summary>The task header and MM line were printed (crash's VM_REF_HEADER).</summary>
    public bool Header { get; set; }
    /// <summary>A memory area line was printed (VM_REF_VMA), <see cref="Vma"/> the last one.</summary>
    public bool VmaPrinted { get; set; }
    /// <summary>A page matched since the last area line (VM_REF_PAGE).</summary>
    public bool PageMatched { get; set; }
    /// <summary>The second pass over an area's pages, printing the matches from <see cref="Page"/> on (VM_REF_DISPLAY).</summary>
    public bool Display { get; set; }
    public ulong Vma { get; set; }
    public ulong Page { get; set; }

    public bool HexIs(ulong value) => IsNumber && Hex == value;
    public bool DecIs(ulong value) => IsNumber && Dec == value;

    /// <summary>crash's FILENAME_COMPONENT: "/" names only "/", another reference any path containing it.</summary>
    public bool NamesFile(string path) => Text.Length > 0 && CrashReference.NamesPath(path, Text);
}
