"""cvmigrate: leave Azure AI Custom Vision and Image Analysis before they retire on 2028-09-25."""
__version__ = "0.1.0"
