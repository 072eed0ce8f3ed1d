#!/usr/bin/env python3
"""Writes a synthetic inventory of N resources for the scan benchmark.

Every resource is a copy of one of the template inventory's resources (by
default the bundled example estate), cycled in order so the kinds keep the
sample's mix of good and bad configurations; ids and names get a numeric
suffix so that all resources are distinct. Deterministic: same inputs, same
file.

usage: synth.py COUNT OUTPUT [TEMPLATE]
"""
import json
import sys


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    count = int(sys.argv[1])
    output = sys.argv[2]
    template = sys.argv[3] if len(sys.argv) > 3 else "examples/aws-sample.jsonl"
    with open(template, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    header = json.loads(lines[0])
    header["errors"] = []
    header["collector"] = "bench/synth.py"
    resources = [json.loads(line) for line in lines[1:]]
    with open(output, "w", encoding="utf-8") as out:
        out.write(json.dumps(header, separators=(",", ":")) + "\n")
        for i in range(count):
            resource = resources[i % len(resources)]
            copy = dict(resource)
            copy["id"] = f"{resource['id']}-{i}"
            copy["name"] = f"{resource['name']}-{i}"
            out.write(json.dumps(copy, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
