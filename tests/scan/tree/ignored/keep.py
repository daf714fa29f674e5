from azure.cognitiveservices.vision.face import FaceClient
