// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Commands;

/// <summary>
/// A <c>-R REFERENCE</c> word (<c>files</c>, <c>net</c>, <c>vm</c>) read once as crash reads it: whether it is a number
/// (crash's IS_A_NUMBER: decimal digits, or hexadecimal ones with an optional 0x), whether only hexadecimal can be meant
/// (a letter a-f or an x), its hexadecimal value (null when it does not parse) and, when it is all decimal digits, its
/// decimal value.
/// </summary>
internal readonly record struct CrashReference(string Text, bool IsNumber, bool HexOnly, ulong? Hex, ulong? Dec)
{
    public static CrashReference Parse(string text)
    {
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        bool number = digits.Length > 0 && digits.All(char.IsAsciiHexDigit);
        bool hexOnly = text.Any(c => c is (>= 'a' and <= 'f') or (>= 'A' and <= 'F') or 'x' or 'X');
        ulong? hex = CrashSession.TryParseHex(text, out ulong h) ? h : null;
        ulong? dec = text.Length > 0 && text.All(char.IsAsciiDigit) && ulong.TryParse(text, out ulong d) ? d : null;
        return new(text, number, hexOnly, hex, dec);
    }

    /// <summary>
    /// As <c>files -R</c> and <c>net -s -R</c> take a number: a decimal one up to the descriptor table's size
    /// (<paramref name="maxFds"/>) is a descriptor (<c>Dec</c>), any other number an address (<c>Hex</c>, 0 when it does not
    /// parse); neither for a word that is no number.
    /// </summary>
    public (ulong? Hex, ulong? Dec) DescriptorOrAddress(ulong maxFds)
    {
        if (!IsNumber)
            return (null, null);
        if (!HexOnly && Dec is ulong d && d <= maxFds)
            return (null, d);
        return (Hex ?? 0, null);
    }

    /// <summary>crash's FILENAME_COMPONENT: "/" names only "/", another reference any path containing it.</summary>
    public static bool NamesPath(string path, string reference) =>
        (path == "/" && reference == "/") || (reference != "/" && path.Contains(reference, StringComparison.Ordinal));
}
