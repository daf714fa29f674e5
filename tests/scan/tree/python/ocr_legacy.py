from azure.cognitiveservices.vision.computervision import ComputerVisionClient
from azure.cognitiveservices.vision.computervision.models import VisualFeatureTypes

def run(client: ComputerVisionClient, url: str, path: str):
    analysis = client.analyze_image(url, visual_features=[VisualFeatureTypes.tags, VisualFeatureTypes.faces])
    with open(path, "rb") as fh:
        header = fh.read(16)
    operation = client.read(url, raw=True)
    text = fh.read()
    return analysis, operation
