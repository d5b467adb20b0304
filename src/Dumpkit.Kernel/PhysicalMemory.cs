// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats;

namespace Dumpkit.Kernel;

/// <summary>Reads of physical memory that report a missing page or bad data as false instead of throwing.</summary>
internal static class PhysicalMemory
{
    public static bool TryRead(DumpReader dump, ulong paddr, Span<byte> buffer)
    {
        ulong pfn = paddr >> dump.PageShift;
        ulong lastPfn = (paddr + (ulong)buffer.Length - 1) >> dump.PageShift;
        if (paddr + (ulong)buffer.Length < paddr || lastPfn >= dump.MaxPfn)
            return false;
        for (ulong p = pfn; p <= lastPfn; p++)
            if (dump.GetPageState(p) != PageState.Present)
                return false;
        try
        {
            dump.ReadPhysical(paddr, buffer);
            return true;
        }
        catch (PageNotAvailableException) { return false; }
        catch (DumpFormatException) { return false; }
        catch (IOException) { return false; }
        catch (InvalidDataException) { return false; } // a page that does not decompress
        catch (Exception e) when (e is not OutOfMemoryException and not ObjectDisposedException) { return false; }
    }
}
