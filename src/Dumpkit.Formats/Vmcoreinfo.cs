// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Formats;

/// <summary>
/// The VMCOREINFO text a kernel leaves for dump tools: <c>KEY=value</c> lines such as
/// <c>OSRELEASE=6.1.0</c>, <c>SYMBOL(init_uts_ns)=ffffffff8c5fb000</c> (hex),
/// <c>OFFSET(page.flags)=0</c>, <c>SIZE(page)=64</c>, <c>LENGTH(..)=..</c>, <c>NUMBER(..)=..</c> (decimal).
/// </summary>
public sealed class Vmcoreinfo
{
    private readonly Dictionary<string, string> _entries = new(StringComparer.Ordinal);

    public string Text { get; }

    private Vmcoreinfo(string text)
    {
        Text = text;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', '\0');
            int eq = line.IndexOf('=');
            if (eq <= 0)
                continue;
            // The first definition wins, as in makedumpfile's read_vmcoreinfo_*.
            _entries.TryAdd(line[..eq], line[(eq + 1)..]);
        }
    }

    public static Vmcoreinfo Parse(string text) => new(text);

    public IReadOnlyDictionary<string, string> Entries => _entries;

    public string? this[string key] => _entries.TryGetValue(key, out var v) ? v : null;

    public string? OsRelease => this["OSRELEASE"];
    public int? PageSize => Decimal("PAGESIZE") is long v ? (int)v : null;
    public long? CrashTime => Decimal("CRASHTIME");
    public ulong? KernelOffset => Hex("KERNELOFFSET");

    public ulong? Symbol(string name) => Hex($"SYMBOL({name})");
    public long? Offset(string name) => Decimal($"OFFSET({name})");
    public long? Size(string name) => Decimal($"SIZE({name})");
    public long? Length(string name) => Decimal($"LENGTH({name})");
    public long? Number(string name) => Decimal($"NUMBER({name})");

    private ulong? Hex(string key) =>
        this[key] is { } v && ulong.TryParse(v.Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var x) ? x : null;

    private long? Decimal(string key) =>
        this[key] is { } v && long.TryParse(v.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x) ? x : null;
}
