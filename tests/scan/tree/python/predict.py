"""Shelf scanner: score a photo against the published Custom Vision iteration."""
import os

from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient
from msrest.authentication import ApiKeyCredentials

ENDPOINT = "https://contoso-cv-pred.cognitiveservices.azure.com/"
credentials = ApiKeyCredentials(in_headers={"Prediction-key": os.environ["PREDICTION_KEY"]})
predictor = CustomVisionPredictionClient(ENDPOINT, credentials)


def score(project_id, data):
    # predictor.detect_image(project_id, "prod", data)  -- old detector, kept for reference
    return predictor.classify_image(project_id, "prod", data)


def score_url(project_id, url):
    return predictor.detect_image_url_with_no_store(project_id, "prod", url=url)
