from azure.ai.vision.imageanalysis import ImageAnalysisClient
from azure.ai.vision.imageanalysis.models import VisualFeatures
from azure.core.credentials import AzureKeyCredential

client = ImageAnalysisClient(endpoint=os.environ["VISION_ENDPOINT"],
                             credential=AzureKeyCredential(os.environ["VISION_KEY"]))
result = client.analyze_from_url(
    image_url="https://example.com/shelf.jpg",
    visual_features=[VisualFeatures.CAPTION, VisualFeatures.READ],
    gender_neutral_caption=True,
)
