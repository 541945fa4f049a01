# Executes notebooks with Debian's nbclient on the nvmesim kernel (as nbconvert --execute and papermill do) and
# prints, per notebook, each cell's outputs as [output_type, sorted mime types], beside the same for the notebook
# as it is stored (what nvmesim nb run wrote).
import json, os, sys
import nbformat
from nbclient import NotebookClient

def shape(cell):
    return [[o["output_type"], sorted(o.get("data", {}).keys())] for o in cell.get("outputs", [])]

out = {}
for path in sys.argv[1:]:
    stored = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    # this-machine measures the machine when it can, and stores what it measured in the checkout; here, as in the
    # suite's nb run, the model alone (its parameter, as papermill would set it)
    for c in nb.cells:
        if "parameters" in c.metadata.get("tags", []):
            c.source = c.source.replace("const measureHere = true", "const measureHere = false")
    client = NotebookClient(nb, kernel_name="nvmesim", timeout=300, resources={"metadata": {"path": os.path.dirname(path)}})
    client.execute()
    out[os.path.basename(path)] = {
        "ran": [shape(c) for c in nb.cells if c.cell_type == "code"],
        "stored": [shape(c) for c in stored.cells if c.cell_type == "code"],
    }
print(json.dumps(out))
