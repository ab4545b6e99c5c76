"""The report of what the network achieves: figures, anonymity, rendering and CSV exports."""
