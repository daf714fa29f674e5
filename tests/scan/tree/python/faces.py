import requests
from azure.cognitiveservices.vision.face import FaceClient

PREDICT = "{endpoint}/customvision/v3.0/Prediction/{project}/detect/iterations/{name}/image"


def faces(face_client: FaceClient, url: str):
    return face_client.face.detect_with_url(url=url, return_face_attributes=["age"])


def boxes(endpoint, project, name, data, key):
    url = PREDICT.format(endpoint=endpoint, project=project, name=name)
    return requests.post(url, data=data, headers={"Prediction-Key": key}).json()
