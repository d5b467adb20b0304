#!/usr/bin/python3
"""Compare two dumps page by page through python3-libkdumpfile (physical addresses).

usage: libkdumpfile_compare.py DUMP REFERENCE
Prints one JSON object: the format libkdumpfile saw, the OSRELEASE it read, and page counts:
  equal        present in both, same bytes
  differ       present in both, different bytes (first few PFNs listed)
  only_ref_zero / only_ref_data   present only in REFERENCE, all-zero or not
  only_dump    present only in DUMP
  missing_both
"""
import json, sys
import kdumpfile

def open_dump(path):
    k = kdumpfile.kdumpfile(path)
    try:
        k.attr["addrxlat.ostype"] = "linux"
    except Exception:
        pass
    return k

def page(k, pfn):
    try:
        return bytes(k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn << 12, 4096))
    except Exception:
        return None

dump, ref = open_dump(sys.argv[1]), open_dump(sys.argv[2])
r = {"format": dump.attr["file.format"], "release": None,
     "equal": 0, "differ": 0, "only_ref_zero": 0, "only_ref_data": 0, "only_dump": 0, "missing_both": 0,
     "differ_pfns": [], "only_ref_data_pfns": [], "only_dump_pfns": []}
try:
    r["release"] = dump.attr["linux.uts.release"]
except Exception as e:
    r["release"] = f"ERR {e}"
zero = bytes(4096)
n = max(int(dump.attr["max_pfn"]), int(ref.attr["max_pfn"]))
for pfn in range(n):
    a, b = page(dump, pfn), page(ref, pfn)
    if a is None and b is None:
        r["missing_both"] += 1
    elif a is None:
        if b == zero:
            r["only_ref_zero"] += 1
        else:
            r["only_ref_data"] += 1
            if len(r["only_ref_data_pfns"]) < 5: r["only_ref_data_pfns"].append(hex(pfn))
    elif b is None:
        r["only_dump"] += 1
        if len(r["only_dump_pfns"]) < 5: r["only_dump_pfns"].append(hex(pfn))
    elif a == b:
        r["equal"] += 1
    else:
        r["differ"] += 1
        if len(r["differ_pfns"]) < 1000: r["differ_pfns"].append(hex(pfn))
print(json.dumps(r))
